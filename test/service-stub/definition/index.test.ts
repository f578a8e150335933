import assert from 'node:assert/strict';
import { describeType, kindOf, scheduleTypeOf } from '../../../service-stub/definition/index.js';
import { obj } from './helpers.js';

describe('definition: index helpers', () => {
  it('kindOf follows the resolved type, including a template type', () => {
    const objects = [
      obj({ id: 'Default' }),
      obj({ id: 'T', type: 'S3DataNode', directoryPath: 's3://b/p' }),
      obj({ id: 'N', parent: { ref: 'T' } }),
      obj({ id: 'X', type: 'Nope' }),
    ];
    assert.equal(kindOf(objects, 'T'), 'datanode');
    assert.equal(kindOf(objects, 'N'), 'datanode');
    assert.equal(kindOf(objects, 'Default'), undefined);
    assert.equal(kindOf(objects, 'X'), undefined);
    assert.equal(kindOf(objects, 'Missing'), undefined);
  });

  it('describeType returns the descriptor', () => {
    assert.deepEqual(describeType('ShellCommandActivity')?.exactlyOneOf[0], ['command', 'scriptUri']);
    assert.equal(describeType('Schedule')?.kind, 'schedule');
    assert.equal(describeType('Unknown'), undefined);
  });

  it('scheduleTypeOf reads Default, case-insensitively, defaulting to timeseries', () => {
    assert.equal(scheduleTypeOf([obj({ id: 'Default', scheduleType: 'ONDEMAND' })]), 'ondemand');
    assert.equal(scheduleTypeOf([obj({ id: 'Default', scheduleType: 'Cron' })]), 'cron');
    assert.equal(scheduleTypeOf([obj({ id: 'Default', scheduleType: 'timeseries' })]), 'timeseries');
    assert.equal(scheduleTypeOf([obj({ id: 'Default' })]), 'timeseries');
    assert.equal(scheduleTypeOf([obj({ id: 'A', type: 'Terminate', scheduleType: 'cron' })]), 'timeseries');
  });
});
