import assert from 'node:assert/strict';
import { firstLine, placeholderOffsets, rewritePlaceholders, splitStatements } from '../../../agent/sql/split-statements.js';
import { bindScript, isFalsy } from '../../../agent/sql/run-script.js';

describe('SQL statement splitting', () => {
  it('splits on unquoted semicolons and drops empty statements', () => {
    assert.deepEqual(splitStatements('select 1; ;\n select 2;;  \n', 'postgres'), ['select 1', 'select 2']);
    assert.deepEqual(splitStatements('select 1', 'mysql'), ['select 1']);
    assert.deepEqual(splitStatements('  ;  ', 'mysql'), []);
  });

  it("respects '...' strings with doubled quotes, and backslash escapes in MySQL only", () => {
    assert.deepEqual(splitStatements("insert into t values ('a;b', 'it''s;'); select 2", 'postgres'), ["insert into t values ('a;b', 'it''s;')", 'select 2']);
    assert.deepEqual(splitStatements("select 'a\\'; b'; select 3", 'mysql'), ["select 'a\\'; b'", 'select 3']);
    // In standard PostgreSQL strings a backslash is an ordinary character...
    assert.deepEqual(splitStatements("select 'a\\'; select 3", 'postgres'), ["select 'a\\'", 'select 3']);
    // ...but E'...' strings take backslash escapes.
    assert.deepEqual(splitStatements("select E'a\\'; b'; select 3", 'postgres'), ["select E'a\\'; b'", 'select 3']);
  });

  it('respects "..." and `...` identifiers and [..] in SQL Server', () => {
    assert.deepEqual(splitStatements('select "a;""b" from t; select 1', 'postgres'), ['select "a;""b" from t', 'select 1']);
    assert.deepEqual(splitStatements('select `x;y` from t; select "q;\\"r"', 'mysql'), ['select `x;y` from t', 'select "q;\\"r"']);
    assert.deepEqual(splitStatements('select [a;b] from t; select 1', 'sqlserver'), ['select [a;b] from t', 'select 1']);
  });

  it('respects -- and /* */ comments (nested in PostgreSQL) and # in MySQL; comment-only pieces are dropped', () => {
    const pg = 'select 1 -- not; here\n; /* a; /* nested; */ still; */ select 2; -- trailing; comment';
    assert.deepEqual(splitStatements(pg, 'postgres'), ['select 1 -- not; here', '/* a; /* nested; */ still; */ select 2']);
    assert.deepEqual(splitStatements('select 1 # x; y\n; select 2', 'mysql'), ['select 1 # x; y', 'select 2']);
    // MySQL needs a space after --: `1--1` is arithmetic.
    assert.deepEqual(splitStatements('select 1--1; select 2', 'mysql'), ['select 1--1', 'select 2']);
  });

  it('respects PostgreSQL dollar quotes, $$ and $tag$', () => {
    const fn = `create function f() returns int as $$ begin return 1; end; $$ language plpgsql;
do $body$ begin perform 'x;'; raise notice '$$;'; end $body$; select $1::int`;
    const s = splitStatements(fn, 'postgres');
    assert.equal(s.length, 3);
    assert.match(s[0], /^create function f\(\).*\$\$ language plpgsql$/s);
    assert.match(s[1], /^do \$body\$.*end \$body\$$/s);
    assert.equal(s[2], 'select $1::int');
  });

  it('finds ? placeholders outside quotes and comments; ?? is a literal ?', () => {
    const sql = "select ?, '?', \"?\", x ?? 'k' /* ? */ -- ?\n, ?";
    assert.equal(placeholderOffsets(sql, 'postgres').length, 2);
    assert.deepEqual(rewritePlaceholders(sql, 'postgres', (n) => `$${n}`).sql, "select $1, '?', \"?\", x ? 'k' /* ? */ -- ?\n, $2");
    assert.equal(rewritePlaceholders('select ? + ?', 'sqlserver', (n) => `@p${n}`).sql, 'select @p1 + @p2');
    assert.equal(placeholderOffsets("select $q$ ? $q$, ?", 'postgres').length, 1);
  });

  it('binds scriptArgument values across statements in order and names both counts on a mismatch', () => {
    const st = bindScript('insert into t values (?, ?); update t set a = ? where b = ?; select 1', 'mysql', ['1', '2', '3', '4'], 'Act');
    assert.deepEqual(st.map((s) => s.params), [['1', '2'], ['3', '4'], []]);
    assert.deepEqual(st.map((s) => s.number), [1, 2, 3]);
    assert.throws(
      () => bindScript('select ?; select ?', 'mysql', ['1'], 'Act'),
      (e: Error & { errorId?: string }) => e.errorId === 'SqlArgumentMismatch' && /Act: the script has 2 \? placeholder\(s\) \(statement 1: 1, statement 2: 1\) but 1 scriptArgument value\(s\)/.test(e.message),
    );
  });

  it('gives the first non-empty line for messages, and reads false/0/NULL', () => {
    assert.equal(firstLine('\n\n  insert into t\n values (1)'), 'insert into t');
    for (const v of [null, false, 0, 0n, '0', '0.00', Buffer.from([0])]) assert.equal(isFalsy(v), true, String(v));
    for (const v of [true, 1, '1', 'x', '', 2n, Buffer.from([1])]) assert.equal(isFalsy(v), false, String(v));
  });
});
