import { ExpressionError } from './errors.js';

/**
 * Joda-Time `DateTimeFormat.forPattern(p).withZoneUTC().print(t)`, reimplemented because JS libraries give the same
 * letters other meanings (scheduler.md 9.5, 14.2): `Y` is year of era, `D` day of year, `h` 1-12, `z` prints `UTC`.
 * Tokenizing follows Joda's parseToken: a run of one letter is a field, other characters and '...' are literal,
 * `''` is one quote, an unknown letter is an error (Joda throws IllegalArgumentException).
 */
export function formatJoda(date: Date | number, pattern: string): string {
  const t = new Date(typeof date === 'number' ? date : date.getTime());
  if (Number.isNaN(t.getTime())) throw new ExpressionError('INVALID_ARGUMENT', 'format: invalid DateTime');
  let out = '';
  for (const token of tokenize(pattern)) {
    out += token.literal !== undefined ? token.literal : field(t, token.letter, token.count, pattern);
  }
  return out;
}

type PatternToken = { literal: string; letter: ''; count: 0 } | { literal?: undefined; letter: string; count: number };

const isLetter = (c: string): boolean => (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');

function tokenize(pattern: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (isLetter(c)) {
      let j = i + 1;
      while (j < pattern.length && pattern[j] === c) j++;
      tokens.push({ letter: c, count: j - i });
      i = j;
      continue;
    }
    // Literal run: up to the next letter outside quotes; an unterminated quote runs to the end (as in Joda).
    let text = '';
    let quoted = false;
    for (; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === "'") {
        if (pattern[i + 1] === "'") {
          text += "'";
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (!quoted && isLetter(ch)) {
        break;
      } else {
        text += ch;
      }
    }
    tokens.push({ literal: text, letter: '', count: 0 });
  }
  return tokens;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Joda's FormatUtils.appendPaddedInteger: sign, then at least `min` digits. */
function pad(n: number, min: number): string {
  const digits = String(Math.abs(n)).padStart(min, '0');
  return n < 0 ? `-${digits}` : digits;
}

function field(t: Date, letter: string, count: number, pattern: string): string {
  const year = t.getUTCFullYear();
  const yearOfEra = year > 0 ? year : 1 - year;
  const hour = t.getUTCHours();
  const isoDow = ((t.getUTCDay() + 6) % 7) + 1; // Joda: Monday = 1 ... Sunday = 7
  switch (letter) {
    case 'G':
      return year > 0 ? 'AD' : 'BC';
    case 'C':
      return pad(Math.floor(yearOfEra / 100), count);
    case 'Y':
      return count === 2 ? pad(Math.abs(year) % 100, 2) : pad(yearOfEra, count);
    case 'y':
      return count === 2 ? pad(Math.abs(year) % 100, 2) : pad(year, count);
    case 'x': {
      const wy = isoWeek(t).weekyear;
      return count === 2 ? pad(Math.abs(wy) % 100, 2) : pad(wy, count);
    }
    case 'w':
      return pad(isoWeek(t).week, count);
    case 'e':
      return pad(isoDow, count);
    case 'E':
      return count >= 4 ? DAYS[isoDow - 1] : DAYS[isoDow - 1].slice(0, 3);
    case 'D':
      return pad(dayOfYear(t), count);
    case 'M': {
      const m = t.getUTCMonth();
      if (count >= 4) return MONTHS[m];
      return count === 3 ? MONTHS[m].slice(0, 3) : pad(m + 1, count);
    }
    case 'd':
      return pad(t.getUTCDate(), count);
    case 'a':
      return hour < 12 ? 'AM' : 'PM';
    case 'K':
      return pad(hour % 12, count);
    case 'h':
      return pad(hour % 12 === 0 ? 12 : hour % 12, count);
    case 'H':
      return pad(hour, count);
    case 'k':
      return pad(hour === 0 ? 24 : hour, count);
    case 'm':
      return pad(t.getUTCMinutes(), count);
    case 's':
      return pad(t.getUTCSeconds(), count);
    case 'S':
      return fraction(t.getUTCMilliseconds(), count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return count === 1 ? '+0000' : count === 2 ? '+00:00' : 'UTC';
    default:
      throw new ExpressionError(
        'INVALID_FORMAT',
        `format: illegal pattern component '${letter.repeat(count)}' in ${JSON.stringify(pattern)}`,
      );
  }
}

/** appendFractionOfSecond(n, n): the first n digits of the fraction, truncated (our instants have millisecond precision). */
function fraction(ms: number, count: number): string {
  return (String(ms).padStart(3, '0') + '0'.repeat(Math.max(0, count - 3))).slice(0, count);
}

export function dayOfYear(t: Date): number {
  return Math.floor((Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate()) - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
}

/** ISO-8601 week date (Joda's ISOChronology weekyear and weekOfWeekyear). */
function isoWeek(t: Date): { weekyear: number; week: number } {
  // The week belongs to the year of its Thursday.
  const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
  const isoDow = ((t.getUTCDay() + 6) % 7) + 1;
  const thursday = new Date(day + (4 - isoDow) * 86_400_000);
  const weekyear = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(weekyear, 0, 1)) / (7 * 86_400_000)) + 1;
  return { weekyear, week };
}
