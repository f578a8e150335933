/** fast-check arbitraries for whole pipeline definitions: real types and fields, good and bad refs, expressions, parameters. */
import fc from 'fast-check';
import type { ParameterObject, ParameterValue, PipelineObject } from '../../../protocol/shapes.js';
import { DESCRIPTORS, knownFields } from '../../../service-stub/definition/index.js';
import { TRICKY_STRINGS } from './arbitraries.js';

/** Every worker group a fuzzed definition routes to: one poller can take whatever any of them produce. */
export const FUZZ_WORKER_GROUP = 'wg-fuzz';

/** Ids objects get; refs also point at `Nowhere`, which no object has. */
const IDS = ['Default', 'A', 'B', 'C', 'D', 'S', 'P', 'N'];
const REF_TARGETS = [...IDS, 'Nowhere', 'default'];
const PARAM_IDS = ['myA', 'myB', '*myC', 'myList', 'notMy', 'myA '];

const TYPE_NAMES = DESCRIPTORS.map((d) => d.type);
const ALL_FIELDS = [...new Set(DESCRIPTORS.flatMap((d) => [...knownFields(d)]))];
const REF_FIELDS = new Set(DESCRIPTORS.flatMap((d) => Object.keys(d.refs)));
const EXTRA_FIELDS = ['@status', '@id', '*password', 'unknownField', 'parent', 'dependsOn', 'scheduleType', 'failureAndRerunMode'];

export const EXPRESSIONS: readonly string[] = [
  '#{myA}',
  '#{*myC}',
  '#{myList}',
  '#{myMissing}',
  "#{format(@scheduledStartTime,'YYYY-MM-dd HH:mm:ss')}",
  "#{format(plusYears(@scheduledStartTime, 2147483647),'YYYY')}",
  "#{format(minusDays(@scheduledStartTime, 99999999999),'YYYY')}",
  '#{plusMonths(@scheduledStartTime, -2147483648)}',
  '#{makeDate(2026,2,30)}',
  '#{makeDateTime(99999,1,1,0,0)}',
  '#{@scheduledStartTime + 1}',
  '#{1/0}',
  '#{node.@scheduledStartTime}',
  '#{node.command}',
  '#{A.command}',
  '#{parent.parent.parent.x}',
  '#{@actualStartTime}',
  '#{year(@scheduledStartTime) * 1000000000000}',
  "#{'unterminated}",
  '#{format(}',
  '#{)',
  '#{',
  '#{}',
  '#{#{myA}}',
  '${notAnExpression}',
];

const PERIODS = ['15 minutes', '1 day', '2 hours', '1 seconds', '0 minutes', '-1 hours', '1000000000 years', '1.5 days', 'daily', 'bogus'];
const DATES = ['2026-01-01T00:00:00', '2026-02-30T00:00:00', '9999-12-31T23:59:59', '0000-01-01T00:00:00', 'yesterday', '2026-01-01'];
const WORDS = ['ondemand', 'cron', 'timeseries', 'cascade', 'none', 'true', 'false', 'CASCADE', 'FIRST_ACTIVATION_DATE_TIME', 'echo hi', 's3://b/k', '0', '-1', '3', '1e9', 'NaN'];

const textValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EXPRESSIONS) },
  { weight: 2, arbitrary: fc.constantFrom(...PERIODS, ...DATES, ...WORDS) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...EXPRESSIONS)).map(([a, b]) => `echo ${a} ${b}`) },
);

type Field = { key: string; stringValue?: string; refValue?: string };

const field = (keys: readonly string[]): fc.Arbitrary<Field> =>
  fc.constantFrom(...keys).chain((key) =>
    fc.oneof(
      // An empty value is refused outright (400, nothing stored): rare, or it would hide every other check.
      { weight: 1, arbitrary: fc.constantFrom({ key, stringValue: '' }, { key, refValue: '' }) },
      { weight: REF_FIELDS.has(key) ? 40 : 10, arbitrary: fc.constantFrom(...REF_TARGETS).map((refValue) => ({ key, refValue })) },
      { weight: REF_FIELDS.has(key) ? 10 : 40, arbitrary: textValue.map((stringValue) => ({ key, stringValue })) },
    ),
  );

/** One object of a real type (or an unknown or missing one) with fields mostly from that type's own list. */
const pipelineObject: fc.Arbitrary<PipelineObject> = fc
  .tuple(
    fc.constantFrom(...IDS),
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...TYPE_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('NoSuchType', 'shellcommandactivity') }, { weight: 1, arbitrary: fc.constant(undefined) }),
  )
  .chain(([id, type]) => {
    const d = DESCRIPTORS.find((x) => x.type === type);
    const keys = [...(d ? knownFields(d) : ALL_FIELDS), ...EXTRA_FIELDS];
    return fc.array(field(keys), { maxLength: 8 }).map((fields) => ({
      id,
      name: id,
      fields: [...(type === undefined ? [] : [{ key: 'type', stringValue: type }]), ...fields],
    }));
  });

/** A runnable skeleton (Default routed to the fuzz worker group, two shell steps) for random objects to build on. */
const skeleton: PipelineObject[] = [
  { id: 'Default', name: 'Default', fields: [{ key: 'scheduleType', stringValue: 'ondemand' }, { key: 'workerGroup', stringValue: FUZZ_WORKER_GROUP }] },
  { id: 'A', name: 'A', fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, { key: 'command', stringValue: 'echo a' }] },
  { id: 'B', name: 'B', fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, { key: 'command', stringValue: "echo #{format(@scheduledStartTime,'YYYY')}" }, { key: 'dependsOn', refValue: 'A' }] },
];

const parameterObject: fc.Arbitrary<ParameterObject> = fc.record({
  id: fc.constantFrom(...PARAM_IDS),
  attributes: fc.array(
    fc.oneof(
      fc.constantFrom('String', 'Integer', 'Double', 'AWS::S3::ObjectKey', 'Bogus', 'integer').map((v) => ({ key: 'type', stringValue: v })),
      fc.tuple(fc.constantFrom('optional', 'isArray'), fc.constantFrom('true', 'false', 'yes')).map(([key, stringValue]) => ({ key, stringValue })),
      fc.tuple(fc.constantFrom('default', 'allowedValues', 'description', 'watermark', 'helpText', 'myComment'), textValue).map(([key, stringValue]) => ({ key, stringValue })),
    ),
    { maxLength: 6 },
  ),
});

const parameterValue: fc.Arbitrary<ParameterValue> = fc.record({
  id: fc.constantFrom(...PARAM_IDS, 'myMissing'),
  stringValue: fc.oneof(fc.constantFrom('1', '2.5', 's3://b/k', 'abc', '', '-0', '1e400'), textValue),
});

export interface FuzzDefinition {
  pipelineObjects: PipelineObject[];
  parameterObjects?: ParameterObject[];
  parameterValues?: ParameterValue[];
}

/** Chaos: anything from the lists above; most of these are refused, in every way the validator knows. */
const chaos: fc.Arbitrary<FuzzDefinition> = fc.record(
  {
    pipelineObjects: fc.array(pipelineObject, { maxLength: 8 }),
    parameterObjects: fc.array(parameterObject, { maxLength: 4 }),
    parameterValues: fc.array(parameterValue, { maxLength: 4 }),
  },
  { requiredKeys: ['pipelineObjects'] },
);

/** Shell steps and preconditions wired to each other at random (dependsOn chains, cycles, self-references). */
const shellObject: fc.Arbitrary<PipelineObject> = fc
  .record({
    id: fc.constantFrom('C', 'D', 'P', 'N'),
    precondition: fc.boolean(),
    command: textValue,
    refs: fc.array(fc.tuple(fc.constantFrom('dependsOn', 'dependsOn', 'precondition', 'parent'), fc.constantFrom('A', 'B', 'B', 'C', 'D', 'P', 'N')), { maxLength: 2 }),
  })
  .map(({ id, precondition, command, refs }) => ({
    id,
    name: id,
    fields: [
      { key: 'type', stringValue: precondition ? 'ShellCommandPrecondition' : 'ShellCommandActivity' },
      { key: 'command', stringValue: command },
      ...refs.map(([key, refValue]) => ({ key, refValue })),
    ],
  }));

const declared: ParameterObject[] = [
  { id: 'myA', attributes: [{ key: 'type', stringValue: 'String' }, { key: 'default', stringValue: 'hello' }] },
  { id: '*myC', attributes: [{ key: 'type', stringValue: 'Integer' }, { key: 'optional', stringValue: 'true' }] },
  { id: 'myList', attributes: [{ key: 'isArray', stringValue: 'true' }, { key: 'default', stringValue: 'x' }, { key: 'default', stringValue: 'y' }] },
];

/** Plausible: a runnable skeleton with random fields, shell objects and declared parameters, so activation is reached. */
const plausible: fc.Arbitrary<FuzzDefinition> = fc
  .record({
    extraFields: fc.array(fc.tuple(fc.constantFrom('Default', 'A', 'B'), field([...ALL_FIELDS, ...EXTRA_FIELDS])), { maxLength: 2 }),
    objects: fc.uniqueArray(shellObject, { maxLength: 3, selector: (o) => o.id }),
    values: fc.array(
      fc.oneof(
        fc.tuple(fc.constantFrom('myA', 'myList'), fc.constantFrom('1', 'abc', 'two words', '#{myA}', "it's")),
        fc.tuple(fc.constant('*myC'), fc.constantFrom('1', '-42', '007')),
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ extraFields, objects, values }) => {
    const base = skeleton.map((o) => ({ ...o, fields: [...(o.fields ?? [])] }));
    for (const [id, f] of extraFields) base.find((o) => o.id === id)?.fields.push(f);
    return {
      pipelineObjects: [...base, ...objects],
      parameterObjects: declared,
      parameterValues: values.map(([id, stringValue]) => ({ id, stringValue })),
    };
  });

export const definition: fc.Arbitrary<FuzzDefinition> = fc.oneof(plausible, chaos);
