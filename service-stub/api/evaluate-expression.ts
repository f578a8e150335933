import { s } from '../../protocol/codec.js';
import { InvalidRequestException } from '../../protocol/errors.js';
import { ObjectViews } from '../dispatch/object-view.js';
import { ExpressionError, evaluateText } from '../expressions/index.js';
import { runDefinition } from '../scheduler/run-definition.js';
import { getObject } from '../store/objects.js';
import { livePipeline } from '../store/pipelines.js';
import { componentDefinition } from './components.js';
import { defineOperation } from './operation.js';

interface In {
  pipelineId: string;
  objectId: string;
  expression: string;
}

/** Evaluates `#{...}` in the text in the context of a component, instance or attempt. */
export const evaluateExpression = defineOperation<In, { evaluatedExpression: string }>({
  name: 'EvaluateExpression',
  input: s.struct({ pipelineId: s.id, objectId: s.id, expression: s.longString }, ['pipelineId', 'objectId', 'expression']),
  async run({ services }, input) {
    const db = services.db;
    const p = await livePipeline(db, input.pipelineId);
    let views: ObjectViews;
    let comp: string;
    const row = input.objectId.startsWith('@') ? await getObject(db, input.pipelineId, input.objectId) : undefined;
    if (row) {
      comp = row.component_id;
      const def = await runDefinition(db, input.pipelineId, row.run_id);
      const runtime: Record<string, string> = { '@id': row.object_id, '@status': row.status };
      if (row.actual_start) runtime['@actualStartTime'] = row.actual_start;
      if (row.actual_end) runtime['@actualEndTime'] = row.actual_end;
      views = new ObjectViews(
        { def, pipelineId: row.pipeline_id, scheduledStart: row.scheduled_start, scheduledEnd: row.scheduled_end },
        new Map([[comp, runtime]]),
      );
    } else {
      const def = await componentDefinition(db, p);
      if (!def?.byId.has(input.objectId)) {
        throw new InvalidRequestException(`No such object in pipeline ${input.pipelineId}: ${input.objectId}`);
      }
      comp = input.objectId;
      views = new ObjectViews({ def, pipelineId: p.pipeline_id });
    }
    try {
      return { evaluatedExpression: evaluateText(input.expression, views.context(comp)).join(',') };
    } catch (err) {
      if (err instanceof ExpressionError || err instanceof Error) {
        throw new InvalidRequestException(`Cannot evaluate expression on ${input.objectId}: ${err.message}`);
      }
      throw err;
    }
  },
});
