import assert from 'node:assert/strict';
import { validateDefinition } from '../../../service-stub/definition/index.js';
import { allErrors, errorsOf, pipeline, toInput } from './helpers.js';

const has = (list: string[], ...parts: string[]): boolean => list.some((m) => parts.every((p) => m.includes(p)));
const run = (extra: Parameters<typeof pipeline>[0], patch: Parameters<typeof pipeline>[1] = {}) => validateDefinition(toInput(pipeline(extra, patch)));

describe('definition: cycles', () => {
  it('parent cycles are errors on each member, and on objects leading into them', () => {
    const r = run([{ id: 'A', parent: { ref: 'B' } }, { id: 'B', parent: { ref: 'A' } }, { id: 'C', type: 'Terminate', parent: { ref: 'A' } }]);
    assert.ok(has(errorsOf(r, 'A'), 'CIRCULAR_REFERENCE:', "'parent' value 'B'", 'A -> B -> A'));
    assert.ok(has(errorsOf(r, 'B'), 'CIRCULAR_REFERENCE:', "'parent' value 'A'", 'B -> A -> B'));
    assert.ok(has(errorsOf(r, 'C'), "'parent' value 'A' leads into the inheritance cycle"));
  });

  it('dependsOn cycle', () => {
    const r = run([{ id: 'Job2', type: 'ShellCommandActivity', command: 'x', dependsOn: { ref: 'Job' } }], { Job: { dependsOn: { ref: 'Job2' } } });
    assert.ok(has(errorsOf(r, 'Job'), 'CIRCULAR_DEPENDENCY:', "'dependsOn' 'Job2'", 'Job -> Job2 -> Job'));
    assert.ok(has(errorsOf(r, 'Job2'), 'CIRCULAR_DEPENDENCY:', "'dependsOn' 'Job'"));
  });

  it('cycle through input and the output producer', () => {
    const r = run(
      [
        { id: 'N1', type: 'S3DataNode', directoryPath: 's3://b/1' },
        { id: 'N2', type: 'S3DataNode', directoryPath: 's3://b/2' },
        { id: 'Job2', type: 'ShellCommandActivity', command: 'x', input: { ref: 'N1' }, output: { ref: 'N2' } },
      ],
      { Job: { input: { ref: 'N2' }, output: { ref: 'N1' } } },
    );
    assert.ok(has(errorsOf(r, 'Job'), 'CIRCULAR_DEPENDENCY:', "'input' 'N2'"));
    assert.ok(has(errorsOf(r, 'N1'), 'CIRCULAR_DEPENDENCY:', "'output' of activity"));
  });

  it('a chain without loops is fine (input -> producer -> precondition)', () => {
    const r = run(
      [
        { id: 'Pre', type: 'ShellCommandPrecondition', command: 'true' },
        { id: 'N1', type: 'S3DataNode', directoryPath: 's3://b/1', precondition: { ref: 'Pre' } },
        { id: 'Job2', type: 'ShellCommandActivity', command: 'x', input: { ref: 'N1' }, dependsOn: { ref: 'Job' } },
      ],
      { Job: { output: { ref: 'N1' } } },
    );
    assert.deepEqual(allErrors(r), []);
  });

  it('an activity reading and writing the same node is a cycle', () => {
    const r = run([{ id: 'N', type: 'S3DataNode', directoryPath: 's3://b/n' }], { Job: { input: { ref: 'N' }, output: { ref: 'N' } } });
    assert.ok(has(errorsOf(r, 'Job'), 'CIRCULAR_DEPENDENCY:', 'Job -> N -> Job'));
  });
});
