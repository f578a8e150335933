/** Every file in examples/ is a valid definition for our server, and the README's CLI commands work as written. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CreatePipelineCommand, PollForTaskCommand, ValidatePipelineDefinitionCommand } from '@aws-sdk/client-data-pipeline';
import { fromDefinitionFile } from '../../../protocol/definition-file.js';
import { startTestServer } from '../../support/server.js';
import type { TestServer } from '../../support/server.js';
import type { DefinitionFile } from './aws-cli.js';
import { datapipelineJson, requireAwsCliV2 } from './aws-cli.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const readExample = async (name: string) => JSON.parse(await readFile(EXAMPLES + name, 'utf8')) as DefinitionFile;

describe('examples/', function () {
  this.timeout(60_000);
  let server: TestServer;
  let pipelineId: string;

  before(async () => {
    server = await startTestServer('pglite');
    ({ pipelineId } = (await server.client().send(new CreatePipelineCommand({ name: 'examples', uniqueId: 'examples' }))) as { pipelineId: string });
  });
  after(async () => server?.close());

  async function validate(file: DefinitionFile) {
    return server.client().send(new ValidatePipelineDefinitionCommand({ pipelineId, ...fromDefinitionFile(file) }));
  }

  it('every example validates with no errors and no warnings, and the README covers it', async () => {
    const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.json')).sort();
    assert.deepEqual(files, ['local-stack.json', 'ondemand-parameters.json', 'ondemand-s3-copy.json', 'ondemand-s3-staging.json', 'ondemand-shell.json', 'ondemand-sql-copy.json', 'ondemand-sql.json']);
    const readme = await readFile(EXAMPLES + 'README.md', 'utf8');
    for (const f of files) {
      const r = await validate(await readExample(f));
      assert.equal(r.errored, false, `${f}: ${JSON.stringify(r.validationErrors)}`);
      // ondemand-sql.json shows our SqlPrecondition extension on purpose: its one warning says AWS would reject it.
      const warnings = (r.validationWarnings ?? []).flatMap((w) => (w.warnings ?? []).filter((t) => !(f === 'ondemand-sql.json' && t.startsWith('NON_AWS_TYPE'))));
      assert.deepEqual(warnings, [], f);
      assert.ok(readme.includes(`examples/${f}`), `examples/README.md does not mention ${f}`);
    }
  });

  it('ondemand-parameters.json: each parameter type and allowedValues is enforced', async () => {
    const file = await readExample('ondemand-parameters.json');
    const bad: [string, string, RegExp][] = [
      ['myEnvironment', 'qa', /allowed values/],
      ['myRetries', 'three', /not an Integer/],
      ['myThreshold', 'high', /not a Double/],
      ['myArchive', '/local/path', /S3 key/],
    ];
    for (const [id, value, why] of bad) {
      const r = await validate({ ...file, values: { ...file.values, [id]: value } });
      assert.equal(r.errored, true, `${id}=${value} was accepted`);
      assert.match(JSON.stringify(r.validationErrors), why, `${id}=${value}`);
    }
  });

  it("the README's CLI commands for ondemand-parameters.json work as written", async () => {
    await requireAwsCliV2();
    const json = <T>(...args: string[]) => datapipelineJson<T>(server.url, args);
    const { pipelineId: id } = await json<{ pipelineId: string }>('create-pipeline', '--name', 'params', '--unique-id', 'params-1');
    const put = await json<{ errored: boolean }>('put-pipeline-definition', '--pipeline-id', id,
      '--pipeline-definition', `file://${EXAMPLES}ondemand-parameters.json`);
    assert.equal(put.errored, false);
    assert.deepEqual(await json('activate-pipeline', '--pipeline-id', id, '--parameter-values', 'myEnvironment=prod', 'myThreshold=0.5'), {});

    // Values given at activation replace the file's of the same id, the others stay, defaults fill the rest
    // (myRetries, myTags, and myWorkerGroup: the task is routed to wg-local); an isArray parameter is repeated fields.
    const { taskObject } = await server.client().send(new PollForTaskCommand({ workerGroup: 'wg-local' }));
    assert.match(taskObject?.attemptId ?? '', /^@Report_/);
    const fields = taskObject?.objects?.[taskObject.attemptId as string]?.fields ?? [];
    const values = (k: string) => fields.filter((f) => f.key === k).map((f) => f.stringValue);
    assert.deepEqual(values('command'), ['echo "environment=prod threshold=0.5 archive=s3://my-bucket/archive/"']);
    assert.deepEqual(values('scriptArgument'), ['alpha', 'beta']);
    assert.deepEqual(values('maximumRetries'), ['1']);
  });
});
