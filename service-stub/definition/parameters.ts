/**
 * Parameterized templates (scheduler.md 10): `parameterObjects` declare `#{myVar}` parameters, `parameterValues`
 * supply them (a repeated id = an array value).
 */
import type { ParameterObject, ParameterValue } from '../../protocol/shapes.js';
import { msg, q, Report } from './report.js';

export const MAX_PARAMETERS = 50;
/** The values file limit (15 KB); applied to the UTF-8 size of all supplied values. */
export const MAX_VALUES_BYTES = 15 * 1024;
export const PARAMETER_TYPES = ['String', 'Integer', 'Double', 'AWS::S3::ObjectKey'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A parameter object read into one record. Unknown attributes are kept (samples carry e.g. `myComment`). */
export interface ParameterSpec {
  readonly id: string;
  readonly type: ParameterType;
  readonly optional: boolean;
  readonly isArray: boolean;
  readonly allowedValues: readonly string[];
  readonly defaults: readonly string[];
  readonly description?: string;
  readonly watermark?: string;
  readonly helpText?: string;
  readonly helpLink?: string;
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

/** `my` after an optional `*` (the `*` masks and encrypts the value). */
export const PARAMETER_ID = /^\*?my/;

function attrs(p: ParameterObject): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of p.attributes ?? []) {
    if (a.key === undefined) continue;
    (out[a.key] ??= []).push(a.stringValue ?? '');
  }
  return out;
}

function bool(v: string | undefined): boolean {
  return v !== undefined && v.toLowerCase() === 'true';
}

/** Read a parameter object; an unknown `type` falls back to String (validateParameters reports it). */
export function parseParameterObject(p: ParameterObject): ParameterSpec {
  const a = attrs(p);
  const t = PARAMETER_TYPES.find((x) => x.toLowerCase() === (a.type?.[0] ?? 'String').toLowerCase()) ?? 'String';
  return {
    id: p.id ?? '',
    type: t,
    optional: bool(a.optional?.[0]),
    isArray: bool(a.isArray?.[0]),
    allowedValues: a.allowedValues ?? [],
    defaults: a.default ?? [],
    description: a.description?.[0],
    watermark: a.watermark?.[0],
    helpText: a.helpText?.[0],
    helpLink: a.helpLink?.[0],
    attributes: a,
  };
}

/** Why `value` does not fit the parameter, or undefined when it does. */
export function checkParameterValue(spec: ParameterSpec, value: string): string | undefined {
  if (spec.type === 'Integer' && !/^[+-]?\d+$/.test(value.trim())) return 'is not an Integer';
  if (spec.type === 'Double' && (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) || !Number.isFinite(Number(value))))
    return 'is not a Double';
  if (spec.type === 'AWS::S3::ObjectKey' && !/^s3:\/\/[^/\s]+(\/.*)?$/.test(value)) return "is not an S3 key ('s3://bucket/key')";
  if (spec.allowedValues.length > 0 && !spec.allowedValues.includes(value))
    return `is not one of the allowed values ${spec.allowedValues.map((v) => q(v)).join(', ')}`;
  return undefined;
}

function checkSpec(p: ParameterObject, spec: ParameterSpec, r: Report): void {
  const a = spec.attributes;
  if (!PARAMETER_ID.test(spec.id))
    r.error(spec.id, msg('INVALID_PARAMETER', `parameter id ${q(spec.id)} must start with 'my' (after an optional '*')`));
  const t = a.type?.[0];
  if (t !== undefined && !PARAMETER_TYPES.some((x) => x.toLowerCase() === t.toLowerCase()))
    r.error(spec.id, msg('INVALID_PARAMETER', `'type' value ${q(t)} must be one of ${PARAMETER_TYPES.join(', ')}`));
  for (const key of ['optional', 'isArray']) {
    const v = a[key]?.[0];
    if (v !== undefined && !/^(true|false)$/i.test(v))
      r.error(spec.id, msg('INVALID_PARAMETER', `'${key}' value ${q(v)} must be 'true' or 'false'`));
  }
  for (const d of spec.defaults) {
    const why = checkParameterValue(spec, d);
    if (why) r.error(spec.id, msg('INVALID_PARAMETER', `'default' value ${q(d)} ${why}`));
  }
  if (!p.attributes) r.error(spec.id, msg('INVALID_PARAMETER', 'parameter object has no attributes'));
}

export interface ParameterCheckOptions {
  /** Activation: a required parameter without value or default is an error, not a warning. */
  requireValues?: boolean;
}

/** Check declarations and supplied values; messages go to `r` under the parameter id. */
export function checkParameters(
  objects: readonly ParameterObject[],
  values: readonly ParameterValue[],
  r: Report,
  opts: ParameterCheckOptions = {},
): void {
  const specs = new Map<string, ParameterSpec>();
  objects.forEach((p, i) => {
    const spec = parseParameterObject(p);
    if (i === MAX_PARAMETERS)
      r.error(spec.id, msg('INVALID_PARAMETER', `too many parameters: ${objects.length} (maximum ${MAX_PARAMETERS})`));
    if (specs.has(spec.id)) r.error(spec.id, msg('INVALID_PARAMETER', `duplicate parameter id ${q(spec.id)}`));
    else specs.set(spec.id, spec);
    checkSpec(p, spec, r);
  });
  const given = new Map<string, string[]>();
  let bytes = 0;
  for (const v of values) {
    const id = v.id ?? '';
    const value = v.stringValue ?? '';
    bytes += Buffer.byteLength(value, 'utf8');
    const list = given.get(id);
    if (list) list.push(value);
    else given.set(id, [value]);
    const spec = specs.get(id);
    if (!spec) {
      r.error(id, msg('INVALID_PARAMETER_VALUE', `value given for undeclared parameter ${q(id)}`));
      continue;
    }
    const why = checkParameterValue(spec, value);
    if (why) r.error(id, msg('INVALID_PARAMETER_VALUE', `parameter ${q(id)} value ${q(value)} ${why}`));
  }
  if (bytes > MAX_VALUES_BYTES)
    r.error('parameterValues', msg('INVALID_PARAMETER_VALUE', `parameter values total ${bytes} bytes (maximum ${MAX_VALUES_BYTES})`));
  for (const spec of specs.values()) {
    const n = given.get(spec.id)?.length ?? 0;
    if (n > 1 && !spec.isArray)
      r.warn(spec.id, msg('INVALID_PARAMETER_VALUE', `parameter ${q(spec.id)} has ${n} values but is not 'isArray'; all are used`));
    if (n === 0 && spec.defaults.length === 0 && !spec.optional) {
      const text = msg('MISSING_PARAMETER_VALUE', `parameter ${q(spec.id)} is required and has no value or default`);
      // at put time the value may still come with ActivatePipeline (scheduler.md 10), so only a warning then
      if (opts.requireValues) r.error(spec.id, text);
      else r.warn(spec.id, text);
    }
  }
}

/** Validate parameters on their own; same shape as validateDefinition's result. */
export function validateParameters(
  objects: readonly ParameterObject[] = [],
  values: readonly ParameterValue[] = [],
  opts: ParameterCheckOptions = {},
): { errors: { id: string; errors: string[] }[]; warnings: { id: string; warnings: string[] }[] } {
  const r = new Report();
  checkParameters(objects, values, r, opts);
  return { errors: r.errors(), warnings: r.warnings() };
}

/**
 * Effective value list per declared parameter: supplied values (in order; repeated ids make arrays) over defaults.
 * Parameters with neither are absent.
 */
export function resolveParameters(
  parameterObjects: readonly ParameterObject[] = [],
  parameterValues: readonly ParameterValue[] = [],
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of parameterObjects) {
    const spec = parseParameterObject(p);
    if (out.has(spec.id)) continue;
    const vals = parameterValues.filter((v) => v.id === spec.id).map((v) => v.stringValue ?? '');
    if (vals.length > 0) out.set(spec.id, vals);
    else if (spec.defaults.length > 0) out.set(spec.id, [...spec.defaults]);
  }
  return out;
}
