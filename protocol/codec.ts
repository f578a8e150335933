/**
 * JSON 1.1 input checking. The SDKs validate little or nothing client-side (api.md 1.6), so every
 * length, pattern, list cap and type is checked here and reported the way AWS does:
 * "1 validation error detected: Value 'x' at 'pipelineObjects.1.member.id' failed to satisfy constraint: ...".
 */
import { InvalidRequestException, SerializationException } from './errors.js';

export type Schema =
  | { t: 'string'; min?: number; max?: number; pattern?: boolean; enum?: readonly string[] }
  | { t: 'number'; int?: boolean }
  | { t: 'boolean' }
  | { t: 'timestamp' }
  | { t: 'list'; of: Schema; max?: number; min?: number }
  | { t: 'struct'; members: Readonly<Record<string, Schema>>; required?: readonly string[] };

/** Every XML-legal character: no C0 controls other than TAB, LF, CR (api.md 2). */
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const s = {
  id: { t: 'string', min: 1, max: 1024, pattern: true } as Schema,
  string: { t: 'string', min: 0, max: 1024, pattern: true } as Schema,
  fieldName: { t: 'string', min: 1, max: 256, pattern: true } as Schema,
  fieldValue: { t: 'string', min: 0, max: 10240, pattern: true } as Schema,
  longString: { t: 'string', min: 0, max: 20971520, pattern: true } as Schema,
  taskId: { t: 'string', min: 1, max: 2048, pattern: true } as Schema,
  errorMessage: { t: 'string' } as Schema,
  bool: { t: 'boolean' } as Schema,
  int: { t: 'number', int: true } as Schema,
  timestamp: { t: 'timestamp' } as Schema,
  list(of: Schema, max?: number, min?: number): Schema {
    return { t: 'list', of, max, min };
  },
  struct(members: Record<string, Schema>, required: string[] = []): Schema {
    return { t: 'struct', members, required };
  },
};

const field = s.struct({ key: s.fieldName, stringValue: s.fieldValue, refValue: s.fieldName }, ['key']);
export const shapes = {
  field,
  fields: s.list(field),
  pipelineObject: s.struct({ id: s.id, name: s.id, fields: s.list(field) }, ['id', 'name', 'fields']),
  parameterObject: s.struct(
    {
      id: s.fieldName,
      attributes: s.list(
        s.struct({ key: { t: 'string', min: 1, max: 256, pattern: true }, stringValue: s.fieldValue }, ['key', 'stringValue']),
      ),
    },
    ['id', 'attributes'],
  ),
  parameterValue: s.struct({ id: s.fieldName, stringValue: s.fieldValue }, ['id', 'stringValue']),
  // XML-legal characters like every other string: tags are stored as jsonb, which cannot hold U+0000 or a lone surrogate.
  tag: s.struct({ key: { t: 'string', min: 1, max: 128, pattern: true }, value: { t: 'string', min: 0, max: 256, pattern: true } }, ['key', 'value']),
};

function show(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return `'${v.length > 80 ? v.slice(0, 80) + '...' : v}'`;
  if (typeof v === 'object') return Array.isArray(v) ? '[...]' : '{...}';
  return String(v);
}

function check(schema: Schema, v: unknown, path: string, errs: string[]): void {
  const at = (constraint: string) =>
    errs.push(`Value ${show(v)} at '${path}' failed to satisfy constraint: ${constraint}`);
  switch (schema.t) {
    case 'string':
      if (typeof v !== 'string') return void at('Member must be a string');
      if (schema.min !== undefined && v.length < schema.min) at(`Member must have length greater than or equal to ${schema.min}`);
      if (schema.max !== undefined && v.length > schema.max) at(`Member must have length less than or equal to ${schema.max}`);
      if (schema.pattern && BAD_CHARS.test(v)) at('Member must satisfy regular expression pattern: [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*');
      if (schema.enum && !schema.enum.includes(v)) at(`Member must satisfy enum value set: [${schema.enum.join(', ')}]`);
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return void at('Member must be a number');
      if (schema.int && !Number.isInteger(v)) at('Member must be an integer');
      return;
    case 'boolean':
      if (typeof v !== 'boolean') at('Member must be a boolean');
      return;
    case 'timestamp':
      if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string' || Number.isNaN(Date.parse(v)))
        at('Member must be a timestamp (epoch seconds)');
      return;
    case 'list':
      if (!Array.isArray(v)) return void at('Member must be a list');
      if (schema.max !== undefined && v.length > schema.max) at(`Member must have length less than or equal to ${schema.max}`);
      if (schema.min !== undefined && v.length < schema.min) at(`Member must have length greater than or equal to ${schema.min}`);
      v.forEach((item, i) => check(schema.of, item, `${path}.${i + 1}.member`, errs));
      return;
    case 'struct': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return void at('Member must be a structure');
      const obj = v as Record<string, unknown>;
      for (const r of schema.required ?? []) {
        if (obj[r] === undefined || obj[r] === null)
          errs.push(`Value null at '${path ? path + '.' : ''}${r}' failed to satisfy constraint: Member must not be null`);
      }
      for (const [k, sub] of Object.entries(schema.members)) {
        if (obj[k] !== undefined && obj[k] !== null) check(sub, obj[k], path ? `${path}.${k}` : k, errs);
      }
      return;
    }
  }
}

/** Check `input` against a struct schema; throws InvalidRequestException listing every violation. */
export function validateInput<T>(schema: Schema, input: unknown): T {
  const errs: string[] = [];
  check(schema, input, '', errs);
  if (errs.length) {
    const n = errs.length;
    throw new InvalidRequestException(`${n} validation error${n === 1 ? '' : 's'} detected: ${errs.slice(0, 10).join('; ')}`);
  }
  return input as T;
}

/** Parse a JSON 1.1 body: an empty body is `{}`; anything but a JSON object is a SerializationException. */
export function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (err) {
    throw new SerializationException(`Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new SerializationException('Request body must be a JSON object');
  }
  return v as Record<string, unknown>;
}

/** Epoch seconds (integer or fraction) or ISO-8601 text -> Date (api.md 1.5). */
export function toDate(v: number | string): Date {
  return typeof v === 'number' ? new Date(v * 1000) : new Date(v);
}
