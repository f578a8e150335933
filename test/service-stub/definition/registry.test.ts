import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DESCRIPTORS, describeType, knownFields, type ObjectTypeDescriptor } from '../../../service-stub/definition/index.js';

const EXPECTED: Record<string, string> = {
  ShellCommandActivity: 'activity', CopyActivity: 'activity', SqlActivity: 'activity', RedshiftCopyActivity: 'activity',
  EmrActivity: 'activity', HadoopActivity: 'activity', HiveActivity: 'activity', HiveCopyActivity: 'activity', PigActivity: 'activity',
  S3DataNode: 'datanode', SqlDataNode: 'datanode', MySqlDataNode: 'datanode', DynamoDBDataNode: 'datanode', RedshiftDataNode: 'datanode',
  ShellCommandPrecondition: 'precondition', Exists: 'precondition', S3KeyExists: 'precondition', S3PrefixNotEmpty: 'precondition',
  DynamoDBDataExists: 'precondition', DynamoDBTableExists: 'precondition', SqlPrecondition: 'precondition',
  JdbcDatabase: 'database', RdsDatabase: 'database', RedshiftDatabase: 'database',
  CSV: 'format', TSV: 'format', Custom: 'format', RegEx: 'format', DynamoDBDataFormat: 'format', DynamoDBExportDataFormat: 'format',
  Ec2Resource: 'resource', EmrCluster: 'resource', Schedule: 'schedule', SnsAlarm: 'action', Terminate: 'action',
  HttpProxy: 'utility', ShellScriptConfig: 'utility', EmrConfiguration: 'utility', Property: 'utility',
};

const TYPES_DIR = fileURLToPath(new URL('../../../service-stub/definition/types/', import.meta.url));
const NOT_TYPES = new Set(['registry.ts', 'common.ts', 'descriptor.ts']);

function isDescriptor(v: unknown): v is ObjectTypeDescriptor {
  return typeof v === 'object' && v !== null && 'type' in v && 'kind' in v && 'required' in v && 'refs' in v;
}

describe('definition: type registry', () => {
  it('lists exactly the documented types (plus SqlPrecondition) with their kinds', () => {
    const got = Object.fromEntries(DESCRIPTORS.map((d) => [d.type, d.kind]));
    assert.deepEqual(got, EXPECTED);
  });

  it('every registry type has its own descriptor file, one descriptor per file', async () => {
    const files = readdirSync(TYPES_DIR).filter((f) => f.endsWith('.ts') && !NOT_TYPES.has(f));
    const byFile = new Map<string, string>();
    for (const f of files) {
      const mod = (await import(`${TYPES_DIR}${f}`)) as Record<string, unknown>;
      const ds = Object.values(mod).filter(isDescriptor);
      assert.equal(ds.length, 1, `${f} exports ${ds.length} descriptors`);
      byFile.set(ds[0].type, f);
    }
    for (const d of DESCRIPTORS) assert.ok(byFile.has(d.type), `no descriptor file for ${d.type}`);
    assert.equal(byFile.size, DESCRIPTORS.length, 'a descriptor file is missing from the registry');
  });

  it('ref kinds are valid and every group/required/period field is known', () => {
    for (const d of DESCRIPTORS) {
      const known = knownFields(d);
      for (const f of [...d.required, ...d.exactlyOneOf.flat(), ...(d.periodFields ?? [])]) assert.ok(known.has(f), `${d.type}.${f}`);
      for (const t of Object.values(d.refTypes ?? {}).flat()) assert.ok(describeType(t), `${d.type} refTypes ${t}`);
    }
  });

  it('activities require runsOn or workerGroup; system-managed preconditions are flagged; SqlPrecondition is an extension', () => {
    for (const d of DESCRIPTORS.filter((x) => x.kind === 'activity'))
      assert.ok(d.exactlyOneOf.some((g) => g.includes('runsOn') && g.includes('workerGroup')), d.type);
    const sys = DESCRIPTORS.filter((d) => d.systemManaged).map((d) => d.type).sort();
    assert.deepEqual(sys, ['DynamoDBDataExists', 'DynamoDBTableExists', 'S3KeyExists', 'S3PrefixNotEmpty']);
    assert.equal(describeType('SqlPrecondition')?.extension, true);
    assert.deepEqual(describeType('SqlPrecondition')?.required, ['database', 'query']);
    assert.equal(describeType('shellcommandactivity'), undefined, 'type names are case-sensitive');
  });
});
