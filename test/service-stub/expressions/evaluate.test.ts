import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  evaluateExpression,
  evaluateText,
  ExpressionError,
  type EvalContext,
} from '../../../service-stub/expressions/index.js';
import { ctxFor, TestObject } from './helpers.js';

function expr(e: string, ctx: EvalContext = ctxFor()): string[] {
  return evaluateExpression(e, ctx);
}
function text(t: string, ctx: EvalContext = ctxFor()): string[] {
  return evaluateText(t, ctx);
}
function throwsCode(run: () => unknown, code: string, ...mentions: string[]): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof ExpressionError, `expected ExpressionError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok(e.message.includes(m), `"${e.message}" should mention ${m}`);
    return true;
  });
}

describe('expressions: operators (scheduler.md 9.3)', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['1 + 2', '3'],
    ['"hel" + "lo"', 'hello'],
    ['1 - 2', '-1'],
    ['1 * 2', '2'],
    ['1 / 2', '0'],
    ['1.0 / 2', '0.5'],
    ['2 ^ 2', '4.0'],
    ['7 / -2', '-3'],
    ['-7 / 2', '-3'],
    ['1 + 2 * 3', '7'],
    ['(1 + 2) * 3', '9'],
    ['10 - 4 - 3', '3'],
    ['2 ^ 3 ^ 2', '512.0'],
    ['2 ^ -1', '0.5'],
    ['1 + 1.5', '2.5'],
    ['1 + "1"', '11'],
    ["'a' + 1.5", 'a1.5'],
    ["'v' + 2 ^ 2", 'v4.0'],
    ['1.0 / 0', 'Infinity'],
    ['10000000.0 * 1', '1.0E7'],
    ['0.0001 * 1', '1.0E-4'],
    ['1e3 * 1', '1000.0'],
    ['.5 + 1', '1.5'],
    ['3 * -(1 + 1)', '-6'],
    ["'x' + @scheduledStartTime", 'x2011-05-24T17:10:00'],
    ["'day ' + plusDays(@scheduledStartTime, 1)", 'day 2011-05-25T17:10:00'],
    ['myNum * 2', '10'],
    ['myNum + 2', '52'],
  ];
  for (const [e, expected] of cases) {
    it(`${e} -> ${expected}`, () => assert.deepEqual(expr(e, ctxFor({ myNum: '5' })), [expected]));
  }

  it('integer division by zero is an error; DateTime arithmetic is not supported', () => {
    throwsCode(() => expr('1 / 0'), 'DIVISION_BY_ZERO', '1 / 0');
    throwsCode(() => expr('plusDays(@scheduledStartTime,1) - 1'), 'TYPE_MISMATCH');
    throwsCode(() => expr("'a' * 2"), 'TYPE_MISMATCH');
  });
});

describe('expressions: lists (scheduler.md 9.3)', () => {
  const ctx = (): EvalContext =>
    ctxFor({ myList: ['one', 'two'], myList1: ['1', '2'], myDates: ['2011-05-24T17:10:00', '2012-01-01T00:00:00'] });

  it('maps an operator over a list', () => {
    assert.deepEqual(expr("'this is ' + myList", ctx()), ['this is one', 'this is two']);
    assert.deepEqual(text("#{'this is ' + myList}", ctx()), ['this is one', 'this is two']);
  });

  it('a list-valued expression repeats the surrounding text', () => {
    assert.deepEqual(text('s3://b/#{myList}/x', ctx()), ['s3://b/one/x', 's3://b/two/x']);
    assert.deepEqual(text('#{myList1}', ctx()), ['1', '2']);
  });

  it('maps function calls over list arguments', () => {
    assert.deepEqual(expr("format(myDates,'YYYY')", ctx()), ['2011', '2012']);
    assert.deepEqual(expr('myList1 * 10', ctx()), ['10', '20']);
  });

  it('two lists combine pairwise (cartesian)', () => {
    assert.deepEqual(expr('myList + myList1', ctx()), ['one1', 'one2', 'two1', 'two2']);
  });
});

describe('expressions: templates (scheduler.md 9.1)', () => {
  it('returns text without expressions unchanged', () => {
    assert.deepEqual(text('plain s3://bucket/path'), ['plain s3://bucket/path']);
    assert.deepEqual(text('a#b {c} #'), ['a#b {c} #']);
    assert.deepEqual(text(''), ['']);
  });

  it('evaluates several expressions in one string', () => {
    assert.deepEqual(text('#{year(@scheduledStartTime)}/#{month(@scheduledStartTime)}/#{day(@scheduledStartTime)}'), ['2011/5/24']);
  });

  it('nested calls with the 12-hour clock', () => {
    assert.deepEqual(text("#{format(minusMinutes(@scheduledStartTime,30),'YYYY-MM-dd hh:mm:ss')}"), ['2011-05-24 04:40:00']);
  });

  it('method-call form equals function-call form', () => {
    assert.deepEqual(text("#{@scheduledStartTime.format('YYYY-MM-dd HH:mm:ss')}"), ['2011-05-24 17:10:00']);
    assert.deepEqual(text("#{@scheduledStartTime.minusDays(1).format('dd')}"), ['23']);
    assert.deepEqual(text('#{makeDate(2011,5,24).day()}'), ['24']);
  });

  it('quotes inside SQL text', () => {
    const sql = "select * from events where dt = '#{format(@scheduledStartTime,'YYYY-MM-dd')}' and h = '#{hour(@scheduledStartTime)}'";
    assert.deepEqual(text(sql), ["select * from events where dt = '2011-05-24' and h = '17'"]);
  });

  it('a } or quote inside a string literal does not end the expression', () => {
    assert.deepEqual(text("#{'a}b' + 'c'}!"), ['a}bc!']);
    assert.deepEqual(text(`#{"it's" + '}'}`), ["it's}"]);
  });

  it('backslash escapes in string literals', () => {
    assert.deepEqual(text("#{'it\\'s'}"), ["it's"]);
    assert.deepEqual(text('#{"say \\"hi\\""}'), ['say "hi"']);
    assert.deepEqual(text("#{'a\\\\b\\u0041'}"), ['a\\bA']);
  });

  it('leaves ${...} shell variables untouched', () => {
    assert.deepEqual(text('${INPUT1_STAGING_DIR}/#{@pipelineId}/${OUTPUT1_STAGING_DIR}', ctxFor({ '@pipelineId': 'df-0123' })), [
      '${INPUT1_STAGING_DIR}/df-0123/${OUTPUT1_STAGING_DIR}',
    ]);
  });

  it('renders a DateTime as YYYY-MM-DDTHH:MM:SS', () => {
    assert.deepEqual(text('#{makeDate(2011,5,24)}'), ['2011-05-24T00:00:00']);
    assert.deepEqual(text('#{plusDays("2011-05-24T17:10:00", 1)}'), ['2011-05-25T17:10:00']);
  });
});

describe('expressions: references (scheduler.md 9.2)', () => {
  function pipeline(): { self: TestObject; input: TestObject; node: TestObject; component: TestObject } {
    const component = new TestObject('ExampleDataNode', { '@id': 'ExampleDataNode' });
    const input = new TestObject('@MyInput_2012-01-01T00:00:00', {
      '@scheduledStartTime': '2012-01-01T00:00:00',
      directoryPath: "s3://in/#{format(@scheduledStartTime,'YYYY')}",
      tags: ['a', 'b'],
    });
    const output = new TestObject('@MyOutput_1', { directoryPath: 's3://out/x' });
    const node = new TestObject('@Copy_2011-05-24T17:10:00', {
      '@scheduledStartTime': '2011-05-24T17:10:00',
      '@actualEndTime': '2011-05-24T18:00:00',
      output,
    });
    const self = new TestObject('@MyInstance', {
      '@scheduledStartTime': '2013-03-03T03:03:03',
      '@id': '@MyInstance',
      name: 'myName',
      table: 'events',
      input,
      parent: component,
    });
    return { self, input, node, component };
  }

  it('fields of the current object', () => {
    const { self } = pipeline();
    assert.deepEqual(text('#{name}.#{table}', { self }), ['myName.events']);
  });

  it('follows a reference and evaluates the referenced field in its own object', () => {
    const { self } = pipeline();
    assert.deepEqual(text('#{input.directoryPath}/part', { self }), ['s3://in/2012/part']);
    assert.deepEqual(text('#{input.tags}', { self }), ['a', 'b']);
  });

  it('a reference in string context renders as the object id', () => {
    const { self } = pipeline();
    assert.deepEqual(text('#{input}', { self }), ['@MyInput_2012-01-01T00:00:00']);
  });

  it('node is the referring instance', () => {
    const { self, node } = pipeline();
    assert.deepEqual(text('#{node.@scheduledStartTime}', { self, node }), ['2011-05-24T17:10:00']);
    assert.deepEqual(text('#{node.@actualEndTime}', { self, node }), ['2011-05-24T18:00:00']);
    assert.deepEqual(text('#{node.output.directoryPath}', { self, node }), ['s3://out/x']);
    assert.deepEqual(text("#{node.@scheduledStartTime.format('YYYY')}", { self, node }), ['2011']);
    assert.deepEqual(text("#{format(node.@scheduledStartTime,'HH')}", { self, node }), ['17']);
  });

  it('node outside actions and preconditions is an error', () => {
    const { self } = pipeline();
    throwsCode(() => text('#{node.@scheduledStartTime}', { self }), 'NODE_UNAVAILABLE', 'node.@scheduledStartTime');
  });

  it('parent.@id is the component id', () => {
    const { self } = pipeline();
    assert.deepEqual(text('s3://mybucket/#{parent.@id}.csv', { self }), ['s3://mybucket/ExampleDataNode.csv']);
  });

  it('following a non-reference is a type error', () => {
    const { self } = pipeline();
    throwsCode(() => text('#{table.x}', { self }), 'TYPE_MISMATCH', 'table');
  });

  it('detects fields that refer to themselves', () => {
    const self = new TestObject('Loop', { myA: '#{myB}', myB: 'x#{myA}' });
    throwsCode(() => text('#{myA}', { self }), 'CIRCULAR_REFERENCE', 'myA');
  });
});

describe('expressions: parameters (scheduler.md 10)', () => {
  const params = new Map<string, readonly string[]>([
    ['myVar', ['value1']],
    ['*myPassword', ['s3cret']],
    ['myDays', ['3']],
    ['mySecurityGroups', ['sg-1', 'sg-2']],
    ['table', ['fromParam']],
  ]);
  const ctx = (): EvalContext => ctxFor({ table: 'fromField' }, { params });

  it('resolves plain and masked parameters', () => {
    assert.deepEqual(text('#{myVar}', ctx()), ['value1']);
    assert.deepEqual(text('pw=#{*myPassword}', ctx()), ['pw=s3cret']);
  });

  it('parameters are resolved before object fields', () => {
    assert.deepEqual(text('#{table}', ctx()), ['fromParam']);
  });

  it('parameters are usable as function arguments', () => {
    assert.deepEqual(text('#{plusDays(@scheduledStartTime, myDays)}', ctx()), ['2011-05-27T17:10:00']);
    assert.deepEqual(text('#{myDays * 2}', ctx()), ['6']);
  });

  it('array parameters produce several values', () => {
    assert.deepEqual(text('#{mySecurityGroups}', ctx()), ['sg-1', 'sg-2']);
  });

  it('a missing masked parameter is an unknown field', () => {
    throwsCode(() => text('#{*myOther}', ctx()), 'UNKNOWN_FIELD', '*myOther');
  });

  it('* after an operand multiplies', () => {
    assert.deepEqual(text('#{myDays*2}', ctx()), ['6']);
    assert.deepEqual(text('#{2 * *myDays2}', ctxFor({}, { params: new Map([['*myDays2', ['4']]]) })), ['8']);
  });
});

describe('expressions: errors', () => {
  it('unbalanced #{', () => {
    throwsCode(() => text("s3://x/#{format(@scheduledStartTime,'YYYY')"), 'EXPRESSION_SYNTAX', "missing '}'");
    throwsCode(() => text("#{format(@scheduledStartTime,'YYYY)}"), 'EXPRESSION_SYNTAX', 'unterminated string');
  });

  it('malformed expressions', () => {
    throwsCode(() => text('#{}'), 'EXPRESSION_SYNTAX', 'empty expression');
    throwsCode(() => text('#{1 +}'), 'EXPRESSION_SYNTAX');
    throwsCode(() => text('#{day(@scheduledStartTime}'), 'EXPRESSION_SYNTAX');
    throwsCode(() => text('#{a b}'), 'EXPRESSION_SYNTAX');
    throwsCode(() => text('#{a # b}'), 'EXPRESSION_SYNTAX');
    throwsCode(() => expr('1 + 2}'), 'EXPRESSION_SYNTAX');
    throwsCode(() => expr('@x()'), 'EXPRESSION_SYNTAX');
  });

  it('unknown function names the function and the expression', () => {
    throwsCode(() => text('x/#{formatDate(@scheduledStartTime)}'), 'UNKNOWN_FUNCTION', 'formatDate', 'formatDate(@scheduledStartTime)');
    throwsCode(() => text("#{@scheduledStartTime.fmt('YYYY')}"), 'UNKNOWN_FUNCTION', 'fmt');
  });

  it('unknown field names the field', () => {
    throwsCode(() => text('#{myMissingField}'), 'UNKNOWN_FIELD', 'myMissingField');
    throwsCode(() => text('#{@scheduledEndTime}'), 'UNKNOWN_FIELD', '@scheduledEndTime');
    const self = new TestObject('S', { input: new TestObject('In') });
    throwsCode(() => text('#{input.directoryPath}', { self }), 'UNKNOWN_FIELD', 'input.directoryPath', 'In');
  });

  it('errors are ExpressionError instances with a stable code', () => {
    try {
      text('#{nope(1)}');
      assert.fail('should throw');
    } catch (e) {
      assert.ok(e instanceof ExpressionError);
      assert.ok(e instanceof Error);
      assert.equal(e.code, 'UNKNOWN_FUNCTION');
      assert.equal(e.name, 'ExpressionError');
    }
  });
});
