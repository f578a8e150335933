/** Test helpers: the AWS CLI's definition-file translation (scheduler.md 1.1) and result lookups. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Field, ParameterObject, ParameterValue, PipelineObject } from '../../../protocol/shapes.js';
import type { DefinitionInput, ValidationResult } from '../../../service-stub/definition/index.js';

export type CliValue = string | { ref: string } | (string | { ref: string })[];
export type CliObject = { id: string; name?: string } & Record<string, CliValue | undefined>;
export interface CliDefinition {
  objects: CliObject[];
  parameters?: ({ id: string } & Record<string, string | string[]>)[];
  values?: Record<string, string | string[]>;
}

function toFields(key: string, v: CliValue): Field[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (typeof x === 'string' ? { key, stringValue: x } : { key, refValue: x.ref }));
}

/** One CLI-format object -> API PipelineObject: name defaults to id, keys sorted, lists become repeated fields. */
export function obj(o: CliObject): PipelineObject {
  const { id, name, ...rest } = o;
  const fields: Field[] = [];
  for (const key of Object.keys(rest).sort()) {
    const v = rest[key];
    if (v !== undefined) fields.push(...toFields(key, v));
  }
  return { id, name: name ?? id, fields };
}

export function toInput(d: CliDefinition): DefinitionInput {
  const parameterObjects: ParameterObject[] = (d.parameters ?? []).map(({ id, ...rest }) => ({
    id,
    attributes: Object.keys(rest)
      .sort()
      .flatMap((k) => (Array.isArray(rest[k]) ? (rest[k] as string[]) : [rest[k] as string]).map((s) => ({ key: k, stringValue: s }))),
  }));
  const parameterValues: ParameterValue[] = Object.entries(d.values ?? {}).flatMap(([id, v]) =>
    (Array.isArray(v) ? v : [v]).map((stringValue) => ({ id, stringValue })),
  );
  return { objects: d.objects.map(obj), parameterObjects, parameterValues };
}

export function fixture(name: string): CliDefinition {
  const path = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as CliDefinition;
}

export function errorsOf(r: ValidationResult, id: string): string[] {
  return r.errors.find((e) => e.id === id)?.errors ?? [];
}
export function warningsOf(r: ValidationResult, id: string): string[] {
  return r.warnings.find((e) => e.id === id)?.warnings ?? [];
}
export function allErrors(r: ValidationResult): string[] {
  return r.errors.flatMap((e) => e.errors.map((m) => `${e.id}: ${m}`));
}

/** A small valid cron pipeline; `extra` objects are added, `patch` merges into objects by id (undefined deletes). */
export function pipeline(extra: CliObject[] = [], patch: Record<string, Partial<CliObject>> = {}): CliDefinition {
  const objects: CliObject[] = [
    { id: 'Default', scheduleType: 'cron', schedule: { ref: 'Hourly' }, workerGroup: 'wg', role: 'R', resourceRole: 'RR' },
    { id: 'Hourly', type: 'Schedule', period: '1 hour', startDateTime: '2030-01-01T00:00:00' },
    { id: 'Job', type: 'ShellCommandActivity', command: 'echo hi' },
    ...extra,
  ];
  return {
    objects: objects.map((o) => {
      const p = patch[o.id];
      if (!p) return o;
      const merged: CliObject = { ...o, ...p } as CliObject;
      for (const k of Object.keys(p)) if (p[k] === undefined) delete merged[k];
      return merged;
    }),
  };
}
