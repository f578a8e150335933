/** fast-check arbitraries for hostile API input, derived from the operations' own input schemas. */
import fc from 'fast-check';
import type { Schema } from '../../../protocol/codec.js';

/** One fixed seed for every fuzz file (override with FUZZ_SEED to explore); fast-check prints it on failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);

/** Legal strings that have broken servers before: prototype keys, SQL, format and expression syntax, odd Unicode. */
export const TRICKY_STRINGS: readonly string[] = [
  ' ',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  "'; DROP TABLE objects; --",
  '%s%n%x',
  '${x}',
  '#{',
  '#{}',
  '#{)',
  '#{format(@scheduledStartTime,',
  '}',
  '\\',
  '"',
  'null',
  'NaN',
  '-1',
  '1e309',
  '@',
  '@status',
  '@*',
  'df-',
  '\u202E',
  '\u2028',
  '\uD835\uDD4F',
];

/** Strings every member must refuse or survive: empty, too long, controls, lone surrogates, non-characters. */
export const ILLEGAL_STRINGS: readonly string[] = ['', '\u0000', '\u0007', '\uFFFE', '\uD800', '\uDC00x', '\uDBFF\uDBFF', 'a'.repeat(1025)];

/** Lone surrogates and controls only: what the codec's pattern check must catch. */
export const badCharString = fc.string({
  unit: fc.constantFrom('\u0000', '\u0001', '\u001F', '\u000B', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFE', '\uFFFF', '\t', 'a'),
  minLength: 1,
  maxLength: 12,
});

/** From just over a member's limit to a few hundred KB. */
export const hugeString = fc
  .tuple(fc.integer({ min: 1_025, max: 300_000 }), fc.constantFrom('x', '#', '{', '\u00e9', '\uD83D\uDE00', '#{'))
  .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(...ILLEGAL_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: badCharString },
  { weight: 1, arbitrary: hugeString },
);

/** Anything JSON can carry that is probably not what the member wants. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(), // NaN and ±Infinity serialize as null
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 3 }),
  anyString,
);

/** Candidate values by member name (ids that exist, enum-ish words), so calls get past "not found". */
export type Pools = Readonly<Record<string, readonly string[]>>;

const timestamp: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -1e10, max: 1e10 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.constantFrom(1e20, -1e20, 8.64e12, 8.64e12 + 1, 1e300),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2026-01-01T00:00:00', '2026-02-30T00:00:00', '+275760-09-13T00:00:00Z', '-271821-04-20T00:00:00Z', '0', 'now'),
  anyString,
);

function stringFor(schema: Extract<Schema, { t: 'string' }>, pool: readonly string[] | undefined, hostile: boolean): fc.Arbitrary<string> {
  const options: fc.WeightedArbitrary<string>[] = hostile
    ? [{ weight: 3, arbitrary: anyString }]
    : [
        { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
        { weight: 1, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
      ];
  if (pool?.length) options.push({ weight: hostile ? 5 : 12, arbitrary: fc.constantFrom(...pool) });
  if (schema.enum?.length) options.push({ weight: hostile ? 4 : 12, arbitrary: fc.constantFrom(...schema.enum) });
  return fc.oneof(...options);
}

/**
 * A value shaped like `schema`. `hostile`: wrong types, huge and malformed strings mixed in at every level (most such
 * bodies stop at input validation); tame: right types and mostly known values, so the handlers themselves are reached.
 */
export function valueFor(schema: Schema, pools: Pools, hostile: boolean, name = ''): fc.Arbitrary<unknown> {
  const member = (s: Schema, n: string): fc.Arbitrary<unknown> =>
    hostile ? fc.oneof({ weight: 6, arbitrary: valueFor(s, pools, true, n) }, { weight: 1, arbitrary: wrongType }) : valueFor(s, pools, false, n);
  switch (schema.t) {
    case 'string':
      return stringFor(schema, pools[name], hostile);
    case 'number':
      if (!hostile) return fc.integer({ min: 1, max: 200 });
      return fc.oneof(fc.integer({ min: -5, max: 2_000 }), fc.constantFrom(0, -1, 1000, 1001, 2 ** 31, 2 ** 53, -(2 ** 53)), fc.double());
    case 'boolean':
      return fc.boolean();
    case 'timestamp':
      return timestamp;
    case 'list': {
      const item = member(schema.of, name);
      if (!hostile) return fc.array(item, { minLength: 1, maxLength: Math.min(4, schema.max ?? 4) });
      // Mostly short lists; sometimes past the member's cap.
      return fc.oneof(
        { weight: 5, arbitrary: fc.array(item, { maxLength: 4 }) },
        { weight: 1, arbitrary: fc.array(item, { minLength: (schema.max ?? 25) - 1, maxLength: (schema.max ?? 25) + 30 }) },
      );
    }
    case 'struct': {
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(schema.members)) model[k] = member(s, k);
      // Tame structs always carry their required members.
      const known = fc.record(model, { requiredKeys: hostile ? [] : [...(schema.required ?? [])] });
      return fc.oneof(
        { weight: 8, arbitrary: known },
        // Unknown members next to the known ones.
        { weight: 1, arbitrary: fc.tuple(known, fc.dictionary(anyString, wrongType, { maxKeys: 3 })).map(([a, b]) => ({ ...b, ...a })) },
      );
    }
  }
}

/** A JSON text nested `depth` levels deep inside member `key`. */
export const deepNesting = fc
  .tuple(fc.constantFrom('pipelineId', 'pipelineObjects', 'fields', 'query', 'x'), fc.integer({ min: 50, max: 50_000 }), fc.boolean())
  .map(([key, depth, arrays]) => `{"${key}":${(arrays ? '[' : '{"a":').repeat(depth)}1${(arrays ? ']' : '}').repeat(depth)}}`);

/** JSON texts with escapes that decode to lone surrogates or controls, and escapes that are not JSON at all. */
export const escapedText = fc
  .tuple(
    fc.constantFrom('pipelineId', 'name', 'uniqueId', 'taskId', 'workerGroup', 'expression', 'objectId', 'sphere', 'status'),
    fc.constantFrom('\\ud800', '\\udfff', '\\ud800\\ud800', '\\u0000', '\\u001f', '\\ufffe', '\\uZZZZ', '\\x41', '\\', '\\u12'),
  )
  .map(([key, esc]) => `{"${key}":"a${esc}b"}`);

/** A whole request body for an operation whose input schema is `input`. */
export function bodyFor(input: Schema, pools: Pools): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: valueFor(input, pools, false).map((v) => JSON.stringify(v)) },
    { weight: 8, arbitrary: valueFor(input, pools, true).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: deepNesting },
    { weight: 2, arbitrary: escapedText },
  );
}
