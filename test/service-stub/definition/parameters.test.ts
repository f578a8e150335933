import assert from 'node:assert/strict';
import type { ParameterObject, ParameterValue } from '../../../protocol/shapes.js';
import { parseParameterObject, resolveParameters, validateParameters } from '../../../service-stub/definition/index.js';

function p(id: string, attrs: Record<string, string | string[]> = {}): ParameterObject {
  return {
    id,
    attributes: Object.entries(attrs).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((stringValue) => ({ key, stringValue }))),
  };
}
function v(id: string, stringValue: string): ParameterValue {
  return { id, stringValue };
}
function errs(r: ReturnType<typeof validateParameters>, id: string): string[] {
  return r.errors.find((e) => e.id === id)?.errors ?? [];
}
function warns(r: ReturnType<typeof validateParameters>, id: string): string[] {
  return r.warnings.find((e) => e.id === id)?.warnings ?? [];
}

describe('definition: parameters (scheduler.md 10)', () => {
  it('accepts my... and *my... ids; rejects others', () => {
    const r = validateParameters([p('myA', { optional: 'true' }), p('*myB', { optional: 'true' }), p('bad', { optional: 'true' })]);
    assert.deepEqual(errs(r, 'myA'), []);
    assert.deepEqual(errs(r, '*myB'), []);
    assert.ok(errs(r, 'bad').some((m) => m.startsWith('INVALID_PARAMETER:') && m.includes("'bad'") && m.includes("'my'")));
  });

  it('at most 50 parameters', () => {
    const ok = Array.from({ length: 50 }, (_, i) => p(`myP${i}`, { optional: 'true' }));
    assert.deepEqual(validateParameters(ok).errors, []);
    const r = validateParameters([...ok, p('myP50', { optional: 'true' })]);
    assert.ok(errs(r, 'myP50').some((m) => m.includes('51') && m.includes('maximum 50')));
  });

  it('type must be String, Integer, Double or AWS::S3::ObjectKey; booleans must be true/false', () => {
    for (const t of ['String', 'Integer', 'Double', 'AWS::S3::ObjectKey']) assert.deepEqual(validateParameters([p('myX', { type: t, optional: 'true' })]).errors, []);
    const r = validateParameters([p('myX', { type: 'Float', optional: 'maybe' })]);
    assert.ok(errs(r, 'myX').some((m) => m.includes("'type' value 'Float'")));
    assert.ok(errs(r, 'myX').some((m) => m.includes("'optional' value 'maybe'")));
  });

  it('Integer and Double values are parsed', () => {
    const objs = [p('myI', { type: 'Integer' }), p('myD', { type: 'Double' })];
    assert.deepEqual(validateParameters(objs, [v('myI', '42'), v('myD', '-1.5e3')]).errors, []);
    const r = validateParameters(objs, [v('myI', '4.2'), v('myD', 'abc')]);
    assert.ok(errs(r, 'myI').some((m) => m.startsWith('INVALID_PARAMETER_VALUE:') && m.includes("'4.2'") && m.includes('Integer')));
    assert.ok(errs(r, 'myD').some((m) => m.includes("'abc'") && m.includes('Double')));
  });

  it('AWS::S3::ObjectKey values must be s3:// URIs', () => {
    const objs = [p('myK', { type: 'AWS::S3::ObjectKey' })];
    assert.deepEqual(validateParameters(objs, [v('myK', 's3://bucket/key')]).errors, []);
    assert.deepEqual(validateParameters(objs, [v('myK', 's3://bucket')]).errors, []);
    const r = validateParameters(objs, [v('myK', '/local/path')]);
    assert.ok(errs(r, 'myK').some((m) => m.includes("'/local/path'") && m.includes('s3://')));
  });

  it('allowedValues are enforced for values and defaults', () => {
    const objs = [p('myE', { allowedValues: ['a', 'b'], default: 'c' })];
    const r = validateParameters(objs, [v('myE', 'z')]);
    assert.ok(errs(r, 'myE').some((m) => m.includes("'default' value 'c'")));
    assert.ok(errs(r, 'myE').some((m) => m.includes("value 'z'") && m.includes("'a', 'b'")));
    assert.deepEqual(validateParameters([p('myE', { allowedValues: ['a', 'b'] })], [v('myE', 'b')]).errors, []);
  });

  it('a value for an undeclared parameter is an error', () => {
    const r = validateParameters([p('myA', { optional: 'true' })], [v('myZ', '1')]);
    assert.ok(errs(r, 'myZ').some((m) => m.includes("'myZ'") && m.includes('undeclared')));
  });

  it('a missing required value is a warning at put time and an error at activation', () => {
    const objs = [p('myReq'), p('myOpt', { optional: 'true' }), p('myDef', { default: 'x' })];
    const r = validateParameters(objs, []);
    assert.deepEqual(r.errors, []);
    assert.ok(warns(r, 'myReq').some((m) => m.startsWith('MISSING_PARAMETER_VALUE:') && m.includes("'myReq'")));
    assert.deepEqual(warns(r, 'myOpt'), []);
    assert.deepEqual(warns(r, 'myDef'), []);
    const strict = validateParameters(objs, [], { requireValues: true });
    assert.ok(errs(strict, 'myReq').some((m) => m.startsWith('MISSING_PARAMETER_VALUE:')));
  });

  it('duplicate parameter ids are errors; values over 15 KB are errors', () => {
    assert.ok(errs(validateParameters([p('myA', { optional: 'true' }), p('myA', { optional: 'true' })]), 'myA').some((m) => m.includes('duplicate')));
    const big = validateParameters([p('myA', { isArray: 'true' })], [v('myA', 'x'.repeat(8000)), v('myA', 'y'.repeat(8000))]);
    assert.ok(errs(big, 'parameterValues').some((m) => m.includes('16000 bytes')));
  });

  it('resolveParameters: values over defaults, repeated ids make arrays, no value and no default -> absent', () => {
    const objs = [p('myA', { default: 'd' }), p('myB', { default: 'd' }), p('myC', { isArray: 'true' }), p('myD')];
    const m = resolveParameters(objs, [v('myB', 'given'), v('myC', '1'), v('myC', '2'), v('myUnknown', 'x')]);
    assert.deepEqual([...m.entries()], [
      ['myA', ['d']],
      ['myB', ['given']],
      ['myC', ['1', '2']],
    ]);
  });

  it('keeps description, watermark, helpText, helpLink and unknown attributes', () => {
    const s = parseParameterObject(
      p('myX', { description: 'D', watermark: 'W', helpText: 'H', helpLink: 'L', myComment: 'C', type: 'integer' }),
    );
    assert.equal(s.description, 'D');
    assert.equal(s.watermark, 'W');
    assert.equal(s.helpText, 'H');
    assert.equal(s.helpLink, 'L');
    assert.deepEqual(s.attributes.myComment, ['C']);
    assert.equal(s.type, 'Integer');
    assert.equal(s.optional, false);
  });
});
