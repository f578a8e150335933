import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ExpressionError, formatJoda } from '../../../service-stub/expressions/index.js';

const T = new Date('2011-05-24T17:10:00Z'); // a Tuesday, day 144
const JAN = new Date('2011-01-05T00:00:00Z'); // a Wednesday, just after midnight

function fmt(pattern: string, at: Date = T): string {
  return formatJoda(at, pattern);
}

describe('expressions: Joda DateTimeFormat', () => {
  it('formats the doc example', () => {
    assert.equal(fmt('YYYY-MM-dd HH:mm:ss z'), '2011-05-24 17:10:00 UTC');
  });

  it('Y is year of era, not week-year; yy/YY are two-digit years', () => {
    assert.equal(fmt('YYYY'), '2011');
    assert.equal(fmt('Y'), '2011');
    assert.equal(fmt('yyyy'), '2011');
    assert.equal(fmt('yyyyy'), '02011');
    assert.equal(fmt('yy'), '11');
    assert.equal(fmt('YY'), '11');
    // 2010-01-01 is in ISO week-year 2009; Y must still print 2010.
    assert.equal(fmt('YYYY xxxx', new Date('2010-01-01T00:00:00Z')), '2010 2009');
  });

  it('D is day of year, d is day of month', () => {
    assert.equal(fmt('DD'), '144');
    assert.equal(fmt('D'), '144');
    assert.equal(fmt('DDDD'), '0144');
    assert.equal(fmt('dd'), '24');
    assert.equal(fmt('DD', JAN), '05');
    assert.equal(fmt('D', JAN), '5');
  });

  it('h is clockhour of halfday (1-12), K 0-11, H 0-23, k 1-24', () => {
    assert.equal(fmt('hh'), '05');
    assert.equal(fmt('h'), '5');
    assert.equal(fmt('KK'), '05');
    assert.equal(fmt('HH'), '17');
    assert.equal(fmt('kk'), '17');
    assert.equal(fmt('hh K HH k a', JAN), '12 0 00 24 AM');
    assert.equal(fmt('a'), 'PM');
  });

  it('zone letters print UTC forms', () => {
    assert.equal(fmt('z'), 'UTC');
    assert.equal(fmt('zzz'), 'UTC');
    assert.equal(fmt('zzzz'), 'Coordinated Universal Time');
    assert.equal(fmt('Z'), '+0000');
    assert.equal(fmt('ZZ'), '+00:00');
    assert.equal(fmt('ZZZ'), 'UTC');
  });

  it('month and day-of-week text', () => {
    assert.equal(fmt('M MM MMM MMMM'), '5 05 May May');
    assert.equal(fmt('MMM MMMM', JAN), 'Jan January');
    assert.equal(fmt('E EEE EEEE'), 'Tue Tue Tuesday');
    assert.equal(fmt('EEEE e', JAN), 'Wednesday 3');
    assert.equal(fmt('e', new Date('2011-05-22T00:00:00Z')), '7'); // Sunday is 7 in Joda
  });

  it('era, century, ISO week', () => {
    assert.equal(fmt('G C CC'), 'AD 20 20');
    assert.equal(fmt('w ww'), '21 21');
    assert.equal(fmt('xxxx-ww', new Date('2011-01-01T12:00:00Z')), '2010-52');
    assert.equal(fmt('xx', new Date('2011-01-01T12:00:00Z')), '10');
  });

  it('S is the fraction of second, truncated to the count of letters', () => {
    assert.equal(fmt('S'), '0');
    assert.equal(fmt('SSS'), '000');
    const ms = new Date('2011-05-24T17:10:00.123Z');
    assert.equal(fmt('S', ms), '1');
    assert.equal(fmt('SS', ms), '12');
    assert.equal(fmt('SSS', ms), '123');
    assert.equal(fmt('SSSSS', ms), '12300');
    assert.equal(fmt('ss.SSS', new Date('2011-05-24T17:10:07.005Z')), '07.005');
  });

  it('quoted text and doubled quotes', () => {
    assert.equal(fmt("YYYY-MM-dd'T'HH:mm:ss"), '2011-05-24T17:10:00');
    assert.equal(fmt("h 'o''clock' a"), "5 o'clock PM");
    assert.equal(fmt("''"), "'");
    assert.equal(fmt("'at' HH'h'"), 'at 17h');
    assert.equal(fmt("'unterminated HH"), 'unterminated HH');
  });

  it('non-letters are literal; real-pipeline patterns', () => {
    assert.equal(fmt('YYYY-MM-dd-HH-mm-ss'), '2011-05-24-17-10-00');
    assert.equal(fmt('YYYY-MM-dd_hh.mm'), '2011-05-24_05.10');
    assert.equal(fmt('YYYY/MM/dd/'), '2011/05/24/');
    assert.equal(fmt(''), '');
  });

  it('rejects unquoted letters that are not pattern letters, as Joda does', () => {
    assert.throws(
      () => fmt('YYYY-MM-ddTHH'),
      (e: unknown) => e instanceof ExpressionError && e.code === 'INVALID_FORMAT' && e.message.includes("'T'"),
    );
    assert.throws(() => fmt('q'), (e: unknown) => e instanceof ExpressionError && e.code === 'INVALID_FORMAT');
  });
});
