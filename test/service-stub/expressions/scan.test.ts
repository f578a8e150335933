import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { hasExpression, scanExpressions } from '../../../service-stub/expressions/index.js';

describe('expressions: scanExpressions', () => {
  it('collects leading identifiers and functions of a valid value', () => {
    const r = scanExpressions(
      "s3://b/#{format(@scheduledStartTime,'YYYY')}/#{input.directoryPath}/#{*myPwd}/#{myVar}/#{node.@actualEndTime}/#{format(@scheduledStartTime,'MM')}",
    );
    assert.deepEqual(r, {
      identifiers: ['@scheduledStartTime', 'input', '*myPwd', 'myVar', 'node'],
      functions: ['format'],
    });
    assert.equal('error' in r, false);
  });

  it('sees through nesting, operators and the method-call form', () => {
    const r = scanExpressions("#{@scheduledStartTime.minusDays(myDays).format('YYYY') + '-' + -day(parent.@id) * 2}");
    assert.deepEqual(r, { identifiers: ['@scheduledStartTime', 'myDays', 'parent'], functions: ['format', 'minusDays', 'day'] });
  });

  it('text without expressions, and ${...}, has nothing to report', () => {
    assert.deepEqual(scanExpressions('${INPUT1_STAGING_DIR}/a#b'), { identifiers: [], functions: [] });
    assert.deepEqual(scanExpressions(''), { identifiers: [], functions: [] });
  });

  it('handles quotes inside SQL', () => {
    const r = scanExpressions("select '#{format(@scheduledStartTime,'YYYY-MM-dd')}' as d");
    assert.deepEqual(r, { identifiers: ['@scheduledStartTime'], functions: ['format'] });
  });

  it('reports an unbalanced #{', () => {
    const r = scanExpressions("s3://b/#{format(@scheduledStartTime,'YYYY')");
    assert.match(r.error ?? '', /^unbalanced '#\{': missing '\}'/);
  });

  it('reports syntax errors', () => {
    assert.match(scanExpressions('#{1 +}').error ?? '', /^unexpected '}'/);
    assert.match(scanExpressions('#{}').error ?? '', /^empty expression/);
    assert.match(scanExpressions("#{'abc}").error ?? '', /^unterminated string literal/);
  });

  it('reports unknown functions but still lists every name', () => {
    const r = scanExpressions('#{formatDate(@scheduledStartTime)}/#{myVar}');
    assert.equal(r.error, `unknown function 'formatDate' in expression "formatDate(@scheduledStartTime)"`);
    assert.deepEqual(r.identifiers, ['@scheduledStartTime', 'myVar']);
    assert.deepEqual(r.functions, ['formatDate']);
  });

  it('reports wrong arity', () => {
    const r = scanExpressions('#{plusDays(@scheduledStartTime)}');
    assert.equal(r.error, `plusDays(DateTime, int) takes 2 argument(s) but was given 1 in expression "plusDays(@scheduledStartTime)"`);
  });

  it('does not evaluate: unknown fields are not errors here', () => {
    assert.deepEqual(scanExpressions('#{myUndeclared}'), { identifiers: ['myUndeclared'], functions: [] });
  });

  it('hasExpression', () => {
    assert.equal(hasExpression('a #{b}'), true);
    assert.equal(hasExpression('${b} #b {c}'), false);
  });
});
