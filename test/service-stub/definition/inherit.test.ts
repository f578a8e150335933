import assert from 'node:assert/strict';
import type { Field } from '../../../protocol/shapes.js';
import { inheritanceChain, buildIndex, ParentCycleError, resolveFields } from '../../../service-stub/definition/index.js';
import { obj } from './helpers.js';

/** key -> values, for readable assertions */
function map(fields: Field[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of fields) (out[f.key as string] ??= []).push((f.refValue ?? f.stringValue) as string);
  return out;
}

describe('definition: inheritance (scheduler.md 1.3)', () => {
  it('objects without parent get Default fields; own fields win key by key', () => {
    const objects = [
      obj({ id: 'Default', workerGroup: 'wg', maximumRetries: '2', schedule: { ref: 'S' } }),
      obj({ id: 'A', type: 'ShellCommandActivity', command: 'x', maximumRetries: '4' }),
    ];
    const f = map(resolveFields(objects, 'A'));
    assert.deepEqual(f.maximumRetries, ['4']);
    assert.deepEqual(f.workerGroup, ['wg']);
    assert.deepEqual(f.schedule, ['S']);
    assert.deepEqual(f.command, ['x']);
  });

  it('own fields come first, in their order', () => {
    const objects = [obj({ id: 'Default', workerGroup: 'wg' }), obj({ id: 'A', type: 'ShellCommandActivity', command: 'x' })];
    assert.deepEqual(resolveFields(objects, 'A').map((f) => f.key), ['command', 'type', 'workerGroup']);
  });

  it('a parent chain is followed and ends in Default (reaching children through templates)', () => {
    const objects = [
      obj({ id: 'Default', workerGroup: 'wg', retryDelay: '5 minutes' }),
      obj({ id: 'T1', command: 'from-t1', stage: 'true' }),
      obj({ id: 'T2', parent: { ref: 'T1' }, stage: 'false' }),
      obj({ id: 'A', type: 'ShellCommandActivity', parent: { ref: 'T2' } }),
    ];
    const f = map(resolveFields(objects, 'A'));
    assert.deepEqual(f.command, ['from-t1']);
    assert.deepEqual(f.stage, ['false'], 'nearer template wins');
    assert.deepEqual(f.workerGroup, ['wg'], 'Default reaches the child through the chain');
    assert.deepEqual(f.parent, ['T2'], 'parent is the own one, never inherited');
    assert.deepEqual(inheritanceChain(buildIndex(objects), 'A'), ['A', 'T2', 'T1', 'Default']);
  });

  it('an explicit parent replaces Default as the direct base', () => {
    const objects = [
      obj({ id: 'Default', stdout: 'from-default' }),
      obj({ id: 'T', stdout: 'from-t' }),
      obj({ id: 'A', type: 'ShellCommandActivity', parent: { ref: 'T' } }),
    ];
    assert.deepEqual(map(resolveFields(objects, 'A')).stdout, ['from-t']);
  });

  it('a repeated key on the object replaces the whole inherited list (no merge)', () => {
    const objects = [
      obj({ id: 'Default', scriptArgument: ['a', 'b', 'c'] }),
      obj({ id: 'A', type: 'ShellCommandActivity', command: 'x', scriptArgument: ['z'] }),
      obj({ id: 'B', type: 'ShellCommandActivity', command: 'x' }),
    ];
    assert.deepEqual(map(resolveFields(objects, 'A')).scriptArgument, ['z']);
    assert.deepEqual(map(resolveFields(objects, 'B')).scriptArgument, ['a', 'b', 'c'], 'all values of an inherited key, in order');
  });

  it('inherited fields that do not apply to the type are dropped silently; own ones are kept', () => {
    const objects = [
      obj({ id: 'Default', workerGroup: 'wg', role: 'R', resourceRole: 'RR', myNote: 'n' }),
      obj({ id: 'Ec2', type: 'Ec2Resource' }),
      obj({ id: 'Ec2b', type: 'Ec2Resource', workerGroup: 'own' }),
    ];
    const f = map(resolveFields(objects, 'Ec2'));
    assert.equal(f.workerGroup, undefined);
    assert.deepEqual(f.role, ['R']);
    assert.deepEqual(f.myNote, ['n'], 'user fields travel everywhere');
    assert.deepEqual(map(resolveFields(objects, 'Ec2b')).workerGroup, ['own']);
  });

  it('system-managed preconditions do not inherit a workerGroup', () => {
    const objects = [
      obj({ id: 'Default', workerGroup: 'wg', role: 'R' }),
      obj({ id: 'P', type: 'S3KeyExists', s3Key: 's3://b/k' }),
      obj({ id: 'U', type: 'ShellCommandPrecondition', command: 'true' }),
    ];
    assert.equal(map(resolveFields(objects, 'P')).workerGroup, undefined);
    assert.deepEqual(map(resolveFields(objects, 'P')).role, ['R']);
    assert.deepEqual(map(resolveFields(objects, 'U')).workerGroup, ['wg']);
  });

  it('a child inherits its template type', () => {
    const objects = [obj({ id: 'T', type: 'ShellCommandActivity', command: 'x' }), obj({ id: 'A', parent: { ref: 'T' } })];
    assert.deepEqual(map(resolveFields(objects, 'A')).type, ['ShellCommandActivity']);
  });

  it('Default itself has no base; an unknown id resolves to nothing; a missing parent ends the chain', () => {
    const objects = [obj({ id: 'Default', workerGroup: 'wg' }), obj({ id: 'A', type: 'ShellCommandActivity', parent: { ref: 'Nope' } })];
    assert.deepEqual(map(resolveFields(objects, 'Default')), { workerGroup: ['wg'] });
    assert.deepEqual(resolveFields(objects, 'Missing'), []);
    assert.equal(map(resolveFields(objects, 'A')).workerGroup, undefined);
  });

  it('parent cycles are detected', () => {
    const objects = [obj({ id: 'A', parent: { ref: 'B' } }), obj({ id: 'B', parent: { ref: 'A' } })];
    assert.throws(() => resolveFields(objects, 'A'), (e: unknown) => e instanceof ParentCycleError && e.cycle.join(',') === 'A,B,A');
    const self = [obj({ id: 'S', parent: { ref: 'S' } })];
    assert.throws(() => resolveFields(self, 'S'), ParentCycleError);
  });

  it('a cycle through Default is detected', () => {
    const objects = [obj({ id: 'Default', parent: { ref: 'A' } }), obj({ id: 'A', type: 'Terminate' })];
    assert.throws(() => resolveFields(objects, 'A'), ParentCycleError);
  });
});
