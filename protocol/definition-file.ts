/**
 * The AWS CLI's definition file format (`{"objects": [...], "parameters": [...], "values": {...}}`) to and from
 * the API's shapes, translated exactly as the CLI does it (api.md 6.2): name defaults to id, keys sorted, lists
 * become repeated fields, `{"ref": id}` becomes a refValue.
 */
import type { Field, ParameterObject, ParameterValue, PipelineObject } from './shapes.js';

export class DefinitionFileError extends Error {
  readonly code = 'DEFINITION_FILE_INVALID';
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function toField(key: string, v: Json): Field {
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.ref === 'string') {
    return { key, refValue: v.ref };
  }
  if (typeof v !== 'string') throw new DefinitionFileError(`field '${key}' must be a string or {"ref": id}, not ${JSON.stringify(v)}`);
  return { key, stringValue: v };
}

export interface ApiDefinition {
  pipelineObjects: PipelineObject[];
  parameterObjects?: ParameterObject[];
  parameterValues?: ParameterValue[];
}

export function fromDefinitionFile(file: unknown): ApiDefinition {
  if (!file || typeof file !== 'object' || Array.isArray(file)) throw new DefinitionFileError('a definition file is a JSON object');
  const f = file as { objects?: unknown; parameters?: unknown; values?: unknown };
  if (!Array.isArray(f.objects)) throw new DefinitionFileError('Missing "objects" key');
  const pipelineObjects = f.objects.map((raw: Record<string, Json>) => {
    const { id, name, ...rest } = raw;
    if (typeof id !== 'string') throw new DefinitionFileError(`Missing "id" key of element: ${JSON.stringify(raw)}`);
    const fields: Field[] = [];
    for (const key of Object.keys(rest).sort()) {
      const v = rest[key];
      for (const item of Array.isArray(v) ? v : [v]) fields.push(toField(key, item));
    }
    return { id, name: typeof name === 'string' ? name : id, fields };
  });
  const out: ApiDefinition = { pipelineObjects };
  if (Array.isArray(f.parameters)) {
    out.parameterObjects = f.parameters.map((raw: Record<string, Json>) => {
      const { id, ...rest } = raw;
      if (typeof id !== 'string') throw new DefinitionFileError(`Missing "id" key of parameter: ${JSON.stringify(raw)}`);
      const attributes = Object.keys(rest)
        .sort()
        .flatMap((key) => (Array.isArray(rest[key]) ? (rest[key] as Json[]) : [rest[key]]).map((v) => ({ key, stringValue: String(v) })));
      return { id, attributes };
    });
  }
  if (f.values && typeof f.values === 'object' && !Array.isArray(f.values)) {
    out.parameterValues = Object.entries(f.values as Record<string, Json>).flatMap(([id, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => ({ id, stringValue: String(x) })),
    );
  }
  return out;
}
