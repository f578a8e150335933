import { s } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import type { Field, Selector } from '../../protocol/shapes.js';
import { livePipeline } from '../store/pipelines.js';
import { componentDefinition, componentStatus } from './components.js';
import { decodeMarker, encodeMarker } from './marker.js';
import { defineOperation } from './operation.js';
import { renderComponent } from './render.js';

interface In {
  pipelineId: string;
  sphere: string;
  query?: { selectors?: Selector[] };
  marker?: string;
  limit?: number;
}
interface Out {
  ids: string[];
  marker?: string;
  hasMoreResults: boolean;
}

/** Queryable fields (api.md 3) and the column each maps to for instances and attempts. */
const COLUMNS: Record<string, string> = {
  name: 'object_id',
  '@sphere': 'sphere',
  parent: 'component_id',
  '@componentParent': 'component_id',
  '@instanceParent': 'instance_id',
  '@status': 'status',
  '@scheduledStartTime': 'scheduled_start',
  '@scheduledEndTime': 'scheduled_end',
  '@actualStartTime': 'actual_start',
  '@actualEndTime': 'actual_end',
};
const TIME_FIELDS = ['@scheduledStartTime', '@scheduledEndTime', '@actualStartTime', '@actualEndTime'];
const REF_FIELDS = ['parent', '@componentParent', '@instanceParent'];

/** The CLI's list-runs sends CANCELLED and WAITING, which are no status of their own (api.md 6.4). */
function statusValues(values: string[]): string[] {
  return values.flatMap((v) => {
    const u = v.toUpperCase();
    if (u === 'CANCELLED') return ['CANCELED'];
    if (u === 'WAITING') return ['WAITING_ON_DEPENDENCIES', 'WAITING_FOR_RUNNER'];
    return [u];
  });
}

interface Condition {
  field: string;
  type: string;
  values: string[];
}

function conditions(selectors: Selector[]): Condition[] {
  return selectors.map((sel, i) => {
    const field = sel.fieldName ?? '';
    const type = (sel.operator?.type ?? '').toUpperCase();
    const where = `query.selectors.${i + 1}`;
    // Own keys only: `'toString' in COLUMNS` is true and would put a function's source into the SQL.
    if (!Object.hasOwn(COLUMNS, field)) {
      throw new InvalidRequestException(`${where}: field '${field}' cannot be queried; use one of ${Object.keys(COLUMNS).join(', ')}`);
    }
    let values = sel.operator?.values ?? [];
    if (field === '@status') values = statusValues(values);
    if (type === 'EQ' || type === 'REF_EQ') {
      if (type === 'REF_EQ' && !REF_FIELDS.includes(field)) throw new InvalidRequestException(`${where}: REF_EQ applies to reference fields (${REF_FIELDS.join(', ')}), not '${field}'`);
      if (!values.length) throw new InvalidRequestException(`${where}: ${type} needs at least one value`);
    } else if (type === 'LE' || type === 'GE' || type === 'BETWEEN') {
      if (!TIME_FIELDS.includes(field)) throw new InvalidRequestException(`${where}: ${type} applies to ${TIME_FIELDS.join(', ')}, not '${field}'`);
      const need = type === 'BETWEEN' ? 2 : 1;
      if (values.length !== need) throw new InvalidRequestException(`${where}: ${type} takes ${need} value${need > 1 ? 's' : ''}, got ${values.length}`);
    } else {
      throw new InvalidRequestException(`${where}: operator type '${sel.operator?.type ?? ''}' is not one of EQ, REF_EQ, LE, GE, BETWEEN`);
    }
    return { field, type, values };
  });
}

function matches(c: Condition, v: string | undefined): boolean {
  if (v === undefined) return false;
  if (c.type === 'EQ' || c.type === 'REF_EQ') return c.values.includes(v);
  if (c.type === 'GE') return v >= c.values[0];
  if (c.type === 'LE') return v <= c.values[0];
  return v >= c.values[0] && v <= c.values[1];
}

export const queryObjects = defineOperation<In, Out>({
  name: 'QueryObjects',
  input: s.struct(
    {
      pipelineId: s.id,
      sphere: s.string,
      query: s.struct({ selectors: s.list(s.struct({ fieldName: s.string, operator: s.struct({ type: s.string, values: s.list(s.string) }) })) }),
      marker: s.string,
      limit: s.int,
    },
    ['pipelineId', 'sphere'],
  ),
  async run({ services }, input) {
    const sphere = input.sphere.toUpperCase();
    if (!['COMPONENT', 'INSTANCE', 'ATTEMPT'].includes(sphere)) {
      throw new InvalidRequestException(`sphere must be COMPONENT, INSTANCE or ATTEMPT, not '${input.sphere}'`);
    }
    const selectors = input.query?.selectors ?? [];
    if (selectors.length > services.limits.queryMaxSelectors) {
      throw new InvalidRequestException(`A query takes at most ${services.limits.queryMaxSelectors} selectors; got ${selectors.length}`);
    }
    const limit = input.limit ?? services.limits.queryDefaultLimit;
    if (limit < 1 || limit > 1000) throw new InvalidRequestException(`limit must be between 1 and 1000, not ${limit}`);
    const conds = conditions(selectors);
    const after = decodeMarker(input.marker);
    const p = await livePipeline(services.db, input.pipelineId);

    let ids: string[];
    let more: boolean;
    if (sphere === 'COMPONENT') {
      const def = await componentDefinition(services.db, p);
      const all = (def?.ids() ?? []).sort().filter((id) => {
        const o = renderComponent(def!, id, p.pipeline_id, componentStatus(p, id));
        const get = (k: string) => o.fields?.find((f) => f.key === k);
        return conds.every((c) => {
          const f: Field | undefined = c.field === 'name' ? { key: 'name', stringValue: o.name } : get(c.field);
          return matches(c, f?.refValue ?? f?.stringValue);
        });
      });
      const start = after ? all.findIndex((id) => id > after[0]) : 0;
      const rest = start < 0 ? [] : all.slice(start);
      ids = rest.slice(0, limit);
      more = rest.length > limit;
    } else {
      const params: unknown[] = [input.pipelineId, sphere];
      const where = ['pipeline_id = $1', 'sphere = $2'];
      for (const c of conds) {
        const col = COLUMNS[c.field];
        if (c.type === 'EQ' || c.type === 'REF_EQ') {
          params.push(c.values);
          where.push(`${col} = ANY($${params.length}::text[])`);
        } else if (c.type === 'BETWEEN') {
          params.push(c.values[0], c.values[1]);
          where.push(`${col} >= $${params.length - 1} AND ${col} <= $${params.length}`);
        } else {
          params.push(c.values[0]);
          where.push(`${col} ${c.type === 'GE' ? '>=' : '<='} $${params.length}`);
        }
      }
      if (after) {
        params.push(after[0] ?? '', after[1] ?? '');
        where.push(`(scheduled_start, object_id) > ($${params.length - 1}, $${params.length})`);
      }
      params.push(limit + 1);
      const rows = await services.db.query<{ object_id: string; scheduled_start: string }>(
        `SELECT object_id, scheduled_start FROM objects WHERE ${where.join(' AND ')}
          ORDER BY scheduled_start, object_id LIMIT $${params.length}`,
        params,
      );
      more = rows.length > limit;
      const page = rows.slice(0, limit);
      ids = page.map((r) => r.object_id);
      if (more) return { ids, hasMoreResults: true, marker: encodeMarker([page[page.length - 1].scheduled_start, page[page.length - 1].object_id]) };
      return { ids, hasMoreResults: false };
    }
    return more ? { ids, hasMoreResults: true, marker: encodeMarker([ids[ids.length - 1]]) } : { ids, hasMoreResults: false };
  },
});
