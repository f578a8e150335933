import assert from 'node:assert/strict';
import type { PipelineObject } from '../../../protocol/shapes.js';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, errorsOf, obj, pipeline, toInput, warningsOf } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));

describe('definition: hard rejects (HTTP 400, nothing stored)', () => {
  const good = toInput(pipeline()).objects;

  it('a valid definition is not rejected', () => {
    const r = validateDefinition({ objects: good });
    assert.equal(r.reject, undefined);
    assert.deepEqual(allErrors(r), []);
  });

  it('object missing id or name', () => {
    assert.match(validateDefinition({ objects: [...good, { name: 'n', fields: [] } as unknown as PipelineObject] }).reject ?? '', /position 4 has no id/);
    assert.match(validateDefinition({ objects: [...good, { id: 'X', fields: [] } as unknown as PipelineObject] }).reject ?? '', /'X' has no name/);
  });

  it('an empty string or reference value', () => {
    const emptyStr = [...good, { id: 'X', name: 'X', fields: [{ key: 'workerGroup', stringValue: '' }] }];
    assert.match(validateDefinition({ objects: emptyStr }).reject ?? '', /'X' field 'workerGroup' has an empty string value/);
    const emptyRef = [...good, { id: 'Y', name: 'Y', fields: [{ key: 'input', refValue: '' }] }];
    assert.match(validateDefinition({ objects: emptyRef }).reject ?? '', /'Y' field 'input' has an empty reference value/);
    const both = [...good, { id: 'Z', name: 'Z', fields: [{ key: 'input', refValue: 'a', stringValue: 'b' }] }];
    assert.match(validateDefinition({ objects: both }).reject ?? '', /both a string and a reference/);
  });

  it('object count over the limit (default 100, configurable)', () => {
    const many = Array.from({ length: 97 }, (_, i) => obj({ id: `T${i}`, type: 'Terminate' }));
    assert.equal(validateDefinition({ objects: [...good, ...many] }).reject, undefined);
    const r = validateDefinition({ objects: [...good, ...many, obj({ id: 'One', type: 'Terminate' })] });
    assert.match(r.reject ?? '', /101 objects \(maximum 100\)/);
    assert.equal(validateDefinition({ objects: [...good, ...many] }, { maxObjects: 50 }).reject?.includes('maximum 50'), true);
  });
});

describe('definition: object structure', () => {
  it('duplicate ids', () => {
    const r = validateDefinition(toInput(pipeline([{ id: 'Job', type: 'Terminate' }])));
    assert.ok(has(errorsOf(r, 'Job'), 'DUPLICATE_OBJECT_ID:', "'Job'", '2 objects'));
  });

  it('missing type, except Default and typeless parent templates', () => {
    const r = validateDefinition(
      toInput(pipeline([{ id: 'Tpl', stage: 'true' }, { id: 'Child', type: 'ShellCommandActivity', parent: { ref: 'Tpl' } }, { id: 'Stray', command: 'x' }])),
    );
    assert.deepEqual(errorsOf(r, 'Default'), []);
    assert.deepEqual(errorsOf(r, 'Tpl'), []);
    assert.ok(has(errorsOf(r, 'Stray'), 'MISSING_REQUIRED_FIELD:', "'type' is required"));
  });

  it('unknown type', () => {
    const r = validateDefinition(toInput(pipeline([{ id: 'X', type: 'ShellCommandActivty' }])));
    assert.ok(has(errorsOf(r, 'X'), 'INVALID_FIELD_VALUE:', "'type'", "'ShellCommandActivty'", 'not a known object type'));
  });

  it('@ fields cannot be written by the definition', () => {
    const r = validateDefinition(toInput(pipeline([], { Job: { '@status': 'FINISHED' } })));
    assert.ok(has(errorsOf(r, 'Job'), 'INVALID_FIELD_NAME:', "'@status'", 'runtime field'));
  });

  it('user-defined field naming: my + upper-case or _', () => {
    const ok = validateDefinition(toInput(pipeline([], { Job: { myCustomField: 'a', my_ref: { ref: 'Hourly' }, '*myPass': 'x' } })));
    assert.deepEqual(allErrors(ok), []);
    assert.deepEqual(warningsOf(ok, 'Job'), [], 'user fields are never unknown');
    const bad = validateDefinition(toInput(pipeline([], { Job: { mycustom: 'a' } })));
    assert.ok(has(errorsOf(bad, 'Job'), 'INVALID_FIELD_NAME:', "'mycustom'", "'my' followed by an upper-case letter or '_'"));
  });

  it('unknown fields set directly are warnings; inherited ones are dropped silently', () => {
    const r = validateDefinition(toInput(pipeline([{ id: 'Ec2', type: 'Ec2Resource' }], { Job: { comand: 'oops' } })));
    assert.ok(has(warningsOf(r, 'Job'), 'UNKNOWN_FIELD:', "'comand'", "'oops'", "'ShellCommandActivity'"));
    assert.deepEqual(warningsOf(r, 'Ec2'), [], 'Default workerGroup reaching Ec2Resource is silent');
    const direct = validateDefinition(toInput(pipeline([{ id: 'Ec2', type: 'Ec2Resource', workerGroup: 'wg' }])));
    assert.ok(has(warningsOf(direct, 'Ec2'), 'UNKNOWN_FIELD:', "'workerGroup'", "'Ec2Resource'"));
  });

  it('typeless objects are checked against every known field name', () => {
    const r = validateDefinition(toInput(pipeline([], { Default: { notAFieldAnywhere: 'x' } })));
    assert.ok(has(warningsOf(r, 'Default'), 'UNKNOWN_FIELD:', "'notAFieldAnywhere'"));
  });

  it('string fields must not hold references; parent must be a reference', () => {
    const r = validateDefinition(toInput(pipeline([], { Job: { command: { ref: 'Hourly' } } })));
    assert.ok(has(errorsOf(r, 'Job'), 'INVALID_FIELD_VALUE:', "'command'", "'Hourly'", 'string value'));
    const p = validateDefinition(toInput(pipeline([], { Job: { parent: 'Default' } })));
    assert.ok(has(errorsOf(p, 'Job'), "'parent' must be a reference", "'Default'"));
    const s = validateDefinition(toInput(pipeline([], { Job: { schedule: 'Hourly' } })));
    assert.ok(has(warningsOf(s, 'Job'), "'schedule' should be a reference", "'Hourly'"));
  });

  it('size limits: 10,240 bytes per value, 256 per key, 15,360 per object, 50 fields', () => {
    const big = validateDefinition(toInput(pipeline([], { Job: { command: 'x'.repeat(10_241) } })));
    assert.ok(has(errorsOf(big, 'Job'), 'FIELD_LIMIT_EXCEEDED:', "'command'", '10241 bytes'));
    const edge = validateDefinition(toInput(pipeline([], { Job: { command: 'x'.repeat(10_000) } })));
    assert.deepEqual(errorsOf(edge, 'Job'), []);
    const key = validateDefinition(toInput(pipeline([], { Job: { [`my_${'k'.repeat(260)}`]: 'v' } })));
    assert.ok(has(errorsOf(key, 'Job'), 'FIELD_LIMIT_EXCEEDED:', 'field name', 'maximum 256'));
    const obj = validateDefinition(toInput(pipeline([], { Job: { command: 'x'.repeat(8000), stdout: 'y'.repeat(8000) } })));
    assert.ok(has(errorsOf(obj, 'Job'), 'OBJECT_LIMIT_EXCEEDED:', 'maximum 15360'));
    const many = validateDefinition(toInput(pipeline([], { Job: { scriptArgument: Array.from({ length: 50 }, (_, i) => `a${i}`) } })));
    assert.ok(has(errorsOf(many, 'Job'), 'OBJECT_LIMIT_EXCEEDED:', '52 fields', 'maximum 50'));
  });
});
