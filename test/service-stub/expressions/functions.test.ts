import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { evaluateExpression, ExpressionError } from '../../../service-stub/expressions/index.js';
import { ctxFor } from './helpers.js';

function ev(expr: string, fields: Record<string, string> = {}): string {
  const out = evaluateExpression(expr, ctxFor(fields));
  assert.equal(out.length, 1, `one result for ${expr}`);
  return out[0];
}

function expectCode(expr: string, code: string): void {
  assert.throws(
    () => ev(expr),
    (e: unknown) => e instanceof ExpressionError && e.code === code,
    `${expr} should fail with ${code}`,
  );
}

describe('expressions: documented functions (scheduler.md 9.4, myDateTime = 2011-05-24T17:10:00)', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['day(myDateTime)', '24'],
    ['dayOfYear(myDateTime)', '144'],
    ['firstOfMonth(myDateTime)', '2011-05-01T17:10:00'],
    ["format(myDateTime,'YYYY-MM-dd HH:mm:ss z')", '2011-05-24 17:10:00 UTC'],
    ['hour(myDateTime)', '17'],
    ['makeDate(2011,5,24)', '2011-05-24T00:00:00'],
    ['makeDateTime(2011,5,24,14,21)', '2011-05-24T14:21:00'],
    ["midnight('2011-05-25T17:10:00')", '2011-05-25T00:00:00'],
    ['minusDays(myDateTime,1)', '2011-05-23T17:10:00'],
    ['minusHours(myDateTime,1)', '2011-05-24T16:10:00'],
    ['minusMinutes(myDateTime,1)', '2011-05-24T17:09:00'],
    ['minusMonths(myDateTime,1)', '2011-04-24T17:10:00'],
    ['minusWeeks(myDateTime,1)', '2011-05-17T17:10:00'],
    ['minusYears(myDateTime,1)', '2010-05-24T17:10:00'],
    ['minute(myDateTime)', '10'],
    ['month(myDateTime)', '5'],
    ['plusDays(myDateTime,1)', '2011-05-25T17:10:00'],
    ['plusHours(myDateTime,1)', '2011-05-24T18:10:00'],
    ['plusMinutes(myDateTime,1)', '2011-05-24T17:11:00'],
    ['plusMonths(myDateTime,1)', '2011-06-24T17:10:00'],
    ['plusWeeks(myDateTime,1)', '2011-05-31T17:10:00'],
    ['plusYears(myDateTime,1)', '2012-05-24T17:10:00'],
    ['sunday(myDateTime)', '2011-05-22T17:10:00'],
    ['year(myDateTime)', '2011'],
    ['yesterday(myDateTime)', '2011-05-23T17:10:00'],
  ];
  for (const [expr, expected] of cases) {
    it(`${expr} -> ${expected}`, () => assert.equal(ev(expr), expected));
  }

  it('covers every documented function name', () => {
    const documented = [
      'day', 'dayOfYear', 'firstOfMonth', 'format', 'hour', 'makeDate', 'makeDateTime', 'midnight',
      'minusDays', 'minusHours', 'minusMinutes', 'minusMonths', 'minusWeeks', 'minusYears', 'minute', 'month',
      'plusDays', 'plusHours', 'plusMinutes', 'plusMonths', 'plusWeeks', 'plusYears', 'sunday', 'year', 'yesterday',
    ];
    const tested = new Set(cases.map(([e]) => e.slice(0, e.indexOf('('))));
    assert.deepEqual(documented.filter((f) => !tested.has(f)), []);
  });

  it('sunday of a Sunday is itself, keeping the time', () => {
    assert.equal(ev("sunday('2011-05-22T08:30:00')"), '2011-05-22T08:30:00');
    assert.equal(ev("sunday('2011-05-28T23:59:59')"), '2011-05-22T23:59:59');
  });

  it('firstOfMonth and yesterday keep the time; only midnight truncates', () => {
    assert.equal(ev("firstOfMonth('2011-03-01T23:59:59')"), '2011-03-01T23:59:59');
    assert.equal(ev("yesterday('2011-03-01T06:00:00')"), '2011-02-28T06:00:00');
    assert.equal(ev("midnight('2011-03-01T00:00:00')"), '2011-03-01T00:00:00');
  });

  it('month and year arithmetic clamps to the end of the month like Joda', () => {
    assert.equal(ev("plusMonths('2011-01-31T10:00:00',1)"), '2011-02-28T10:00:00');
    assert.equal(ev("plusMonths('2012-01-31T10:00:00',1)"), '2012-02-29T10:00:00');
    assert.equal(ev("minusMonths('2011-03-31T00:00:00',1)"), '2011-02-28T00:00:00');
    assert.equal(ev("plusMonths('2011-05-31T00:00:00',1)"), '2011-06-30T00:00:00');
    assert.equal(ev("minusYears('2012-02-29T00:00:00',1)"), '2011-02-28T00:00:00');
    assert.equal(ev("plusYears('2012-02-29T12:00:00',4)"), '2016-02-29T12:00:00');
    assert.equal(ev("plusMonths('2011-12-15T00:00:00',1)"), '2012-01-15T00:00:00');
    assert.equal(ev("minusMonths('2011-01-15T00:00:00',13)"), '2009-12-15T00:00:00');
    // Not chained: Jan 31 + 2 months is Mar 31, not Mar 28.
    assert.equal(ev("plusMonths('2011-01-31T00:00:00',2)"), '2011-03-31T00:00:00');
  });

  it('negative amounts and crossing boundaries', () => {
    assert.equal(ev('plusDays(myDateTime,-24)'), '2011-04-30T17:10:00');
    assert.equal(ev("plusHours('2011-12-31T23:00:00',1)"), '2012-01-01T00:00:00');
    assert.equal(ev("minusMinutes('2011-01-01T00:00:00',1)"), '2010-12-31T23:59:00');
  });

  it('accepts DateTime literals, runtime fields and int strings from fields', () => {
    assert.equal(ev("day('2011-05-24T17:10:00')"), '24');
    assert.equal(ev('plusDays(@scheduledStartTime,myDays)', { myDays: '2' }), '2011-05-26T17:10:00');
    assert.equal(ev('format(plusDays(makeDate(2011,5,24),1),"dd")'), '25');
  });

  it('rejects wrong types, impossible dates and wrong arity', () => {
    expectCode("day('hello')", 'TYPE_MISMATCH');
    expectCode('day(5)', 'TYPE_MISMATCH');
    expectCode('plusDays(myDateTime,1.5)', 'TYPE_MISMATCH');
    expectCode("plusDays(myDateTime,'x')", 'TYPE_MISMATCH');
    expectCode('makeDate(2011,2,30)', 'INVALID_ARGUMENT');
    expectCode('makeDateTime(2011,2,3,24,0)', 'INVALID_ARGUMENT');
    expectCode('day()', 'WRONG_ARITY');
    expectCode('format(myDateTime)', 'WRONG_ARITY');
    expectCode('Day(myDateTime)', 'UNKNOWN_FUNCTION');
  });
});
