import assert from 'node:assert/strict';
import { checkDriverClass, parseJdbcUrl, toConnectOptions } from '../../../agent/sql/jdbc-url.js';
import type { ConnectionFields } from '../../../agent/sql/jdbc-url.js';
import type { ConnectOptions } from '../../../agent/sql/options.js';

function opts(url: string, f: Partial<ConnectionFields> = {}): { o: ConnectOptions; warnings: string[] } {
  const warnings: string[] = [];
  const o = toConnectOptions(parseJdbcUrl('Db', url), { objectId: 'Db', ...f }, (m) => warnings.push(m));
  return { o, warnings };
}

function pick(o: ConnectOptions): Partial<ConnectOptions> {
  const { objectId: _id, ...rest } = o;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

describe('JDBC connection strings', () => {
  it('maps every supported URL form to an engine, host, port and database', () => {
    const cases: [string, Partial<ConnectOptions>][] = [
      ['jdbc:mysql://db.example.com:3307/shop', { engine: 'mysql', host: 'db.example.com', port: 3307, database: 'shop' }],
      ['jdbc:mysql://db.example.com/shop', { engine: 'mysql', host: 'db.example.com', port: 3306, database: 'shop' }],
      ['jdbc:mariadb://10.0.0.5/', { engine: 'mysql', host: '10.0.0.5', port: 3306 }],
      ['jdbc:mysql:replication://a:3306,b:3306/x', { engine: 'mysql', host: 'a', port: 3306, database: 'x' }],
      ['jdbc:postgresql://pg:6543/orders', { engine: 'postgres', host: 'pg', port: 6543, database: 'orders' }],
      ['jdbc:postgresql://[::1]/orders', { engine: 'postgres', host: '::1', port: 5432, database: 'orders' }],
      ['jdbc:postgresql:orders', { engine: 'postgres', host: 'localhost', port: 5432, database: 'orders' }],
      ['jdbc:redshift://rs.abc.us-east-1.redshift.amazonaws.com:5439/dev', { engine: 'redshift', host: 'rs.abc.us-east-1.redshift.amazonaws.com', port: 5439, database: 'dev' }],
      ['jdbc:redshift://rs/dev', { engine: 'redshift', port: 5439 }],
      ['jdbc:sqlserver://ms.local:1444;databaseName=Sales;encrypt=false', { engine: 'sqlserver', host: 'ms.local', port: 1444, database: 'Sales', tls: 'off' }],
      ['jdbc:sqlserver://ms.local;database=Sales', { engine: 'sqlserver', port: 1433, database: 'Sales' }],
      ['jdbc:sqlserver://;serverName=ms2;portNumber=1500;databaseName=D', { engine: 'sqlserver', host: 'ms2', port: 1500, database: 'D' }],
      ['jdbc:sqlserver://ms\\SQLEXPRESS;databaseName=D', { engine: 'sqlserver', host: 'ms', instanceName: 'SQLEXPRESS', database: 'D' }],
      ['jdbc:jtds:sqlserver://ms:1433/Sales', { engine: 'sqlserver', host: 'ms', port: 1433, database: 'Sales' }],
    ];
    for (const [url, want] of cases) {
      const got = pick(opts(url).o);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof ConnectOptions], v, `${url}: ${k}`);
    }
  });

  it('takes the user and password from the fields first, then from the URL', () => {
    assert.equal(opts('jdbc:postgresql://h/d?user=u1&password=p1').o.user, 'u1');
    assert.equal(opts('jdbc:postgresql://h/d?user=u1&password=p%40ss').o.password, 'p@ss');
    const o = opts('jdbc:postgresql://h/d?user=u1&password=p1', { username: 'u2', password: 'p2' }).o;
    assert.deepEqual([o.user, o.password], ['u2', 'p2']);
    assert.equal(opts('jdbc:sqlserver://h;user=sa;password={a;b}').o.password, 'a;b');
  });

  it('uses databaseName when the URL has no database', () => {
    assert.equal(opts('jdbc:mysql://h:3306', { databaseName: 'fromField' }).o.database, 'fromField');
    assert.equal(opts('jdbc:mysql://h:3306/fromUrl', { databaseName: 'fromField' }).o.database, 'fromUrl');
  });

  it('translates TLS properties per engine', () => {
    const tls = (url: string, props: string[] = []) => opts(url, { jdbcProperties: props }).o.tls;
    assert.equal(tls('jdbc:postgresql://h/d'), undefined);
    assert.equal(tls('jdbc:postgresql://h/d?ssl=true'), 'verify'); // pgjdbc: ssl=true is verify-full
    assert.equal(tls('jdbc:postgresql://h/d', ['ssl=true', 'sslmode=require']), 'on');
    assert.equal(tls('jdbc:postgresql://h/d', ['sslmode=verify-full']), 'verify');
    assert.equal(tls('jdbc:postgresql://h/d', ['sslmode=disable']), 'off');
    assert.equal(tls('jdbc:postgresql://h/d?ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory'), 'on');
    assert.equal(tls('jdbc:mysql://h/d?useSSL=true'), 'verify');
    assert.equal(tls('jdbc:mysql://h/d?useSSL=true&verifyServerCertificate=false'), 'on');
    assert.equal(tls('jdbc:mysql://h/d', ['requireSSL=true', 'verifyServerCertificate=false']), 'on');
    assert.equal(tls('jdbc:mysql://h/d?useSSL=false'), 'off');
    assert.equal(tls('jdbc:mariadb://h/d?sslMode=verify-full'), 'verify');
    assert.equal(tls('jdbc:sqlserver://h;encrypt=true'), 'verify');
    assert.equal(tls('jdbc:sqlserver://h;encrypt=true;trustServerCertificate=true'), 'on');
    assert.equal(tls('jdbc:sqlserver://h;trustServerCertificate=true'), 'on');
    assert.equal(tls('jdbc:sqlserver://h;encrypt=false'), 'off');
    assert.throws(() => tls('jdbc:postgresql://h/d?sslmode=bogus'), /sslmode=bogus is not one of/);
  });

  it('translates timeouts in each driver family\'s units, and the other known properties', () => {
    assert.equal(opts('jdbc:postgresql://h/d').o.connectTimeoutMs, 30_000);
    assert.equal(opts('jdbc:postgresql://h/d?connectTimeout=5').o.connectTimeoutMs, 5_000); // pgjdbc: seconds
    assert.equal(opts('jdbc:postgresql://h/d?loginTimeout=7').o.connectTimeoutMs, 7_000);
    assert.equal(opts('jdbc:postgresql://h/d?socketTimeout=60').o.socketTimeoutMs, 60_000);
    assert.equal(opts('jdbc:mysql://h/d?connectTimeout=2500').o.connectTimeoutMs, 2_500); // Connector/J: ms
    assert.equal(opts('jdbc:mysql://h/d?socketTimeout=9000').o.socketTimeoutMs, 9_000);
    assert.equal(opts('jdbc:sqlserver://h;loginTimeout=4;queryTimeout=30').o.connectTimeoutMs, 4_000);
    assert.equal(opts('jdbc:sqlserver://h;loginTimeout=4;queryTimeout=30').o.queryTimeoutMs, 30_000);
    assert.equal(opts('jdbc:mysql://h/d?characterEncoding=UTF-8').o.charset, 'UTF8MB4_UNICODE_CI');
    assert.equal(opts('jdbc:mysql://h/d?characterEncoding=ISO-8859-1').o.charset, 'LATIN1_SWEDISH_CI');
    assert.equal(opts('jdbc:postgresql://h/d?currentSchema=sales').o.currentSchema, 'sales');
    assert.equal(opts('jdbc:postgresql://h/d?ApplicationName=etl').o.applicationName, 'etl');
    assert.equal(opts('jdbc:sqlserver://h;applicationName=etl').o.applicationName, 'etl');
    assert.equal(opts('jdbc:postgresql://h/d', { jdbcProperties: ['tcpKeepAlive=true'] }).o.keepAlive, true);
  });

  it('reports each unknown property and ignores it; known no-op properties are silent', () => {
    const { warnings } = opts('jdbc:mysql://h/d?useUnicode=true&zeroDateTimeBehavior=convertToNull&frobnicate=1', { jdbcProperties: ['noSuchThing=2', 'notapair'] });
    assert.equal(warnings.length, 3, warnings.join('\n'));
    assert.match(warnings[0], /Db: jdbcProperties value "notapair" is not A=B/);
    assert.match(warnings.join('\n'), /JDBC property frobnicate is not supported by the native mysql driver; ignored/);
    assert.match(warnings.join('\n'), /JDBC property noSuchThing/);
    assert.match(opts('jdbc:mysql://a,b/d').warnings[0], /only the first host of a,b is used/);
  });

  it('rejects Oracle, unknown schemes and malformed URLs clearly', () => {
    assert.throws(() => parseJdbcUrl('Db', 'jdbc:oracle:thin:@h:1521:ORCL'), (e: Error & { errorId?: string }) => e.errorId === 'UnsupportedDatabase' && /Oracle/.test(e.message));
    assert.throws(() => parseJdbcUrl('Db', 'jdbc:db2://h:50000/x'), (e: Error & { errorId?: string }) => e.errorId === 'UnsupportedDatabase' && /jdbc:db2/.test(e.message));
    assert.throws(() => parseJdbcUrl('Db', 'jdbc:redshift:iam://c:5439/d'), /IAM authentication/);
    assert.throws(() => parseJdbcUrl('Db', 'mysql://h/d'), (e: Error & { errorId?: string }) => e.errorId === 'InvalidConnectionString');
    assert.throws(() => parseJdbcUrl('Db', 'jdbc:mysql://h:99999/d'), /port 99999 is out of range/);
    assert.throws(() => parseJdbcUrl('Db', 'jdbc:mysql:///d'), /no host/);
    assert.throws(() => opts('jdbc:sqlserver://h;integratedSecurity=true'), /integratedSecurity/);
    // A password in the URL never reaches the message.
    assert.throws(() => parseJdbcUrl('Db', 'jdbc:mysql://h:0/d?password=hunter22'), (e: Error) => !e.message.includes('hunter22') && /password=\*\*\*/.test(e.message));
  });

  it('checks jdbcDriverClass against the URL', () => {
    const warn: string[] = [];
    const check = (cls: string, url: string) => checkDriverClass('Db', cls, parseJdbcUrl('Db', url), (m) => warn.push(m));
    check('com.mysql.jdbc.Driver', 'jdbc:mysql://h/d');
    check('com.mysql.cj.jdbc.Driver', 'jdbc:mariadb://h/d');
    check('org.mariadb.jdbc.Driver', 'jdbc:mysql://h/d');
    check('org.postgresql.Driver', 'jdbc:postgresql://h/d');
    check('com.amazon.redshift.jdbc41.Driver', 'jdbc:redshift://h/d');
    check('com.amazon.redshift.jdbc.Driver', 'jdbc:postgresql://h/d');
    check('com.microsoft.sqlserver.jdbc.SQLServerDriver', 'jdbc:sqlserver://h');
    assert.deepEqual(warn, []);
    check('com.example.Wrapper', 'jdbc:mysql://h/d');
    assert.match(warn[0], /com\.example\.Wrapper is not one this Task Runner knows/);
    assert.throws(
      () => check('org.postgresql.Driver', 'jdbc:mysql://h:3306/d'),
      (e: Error & { errorId?: string }) => e.errorId === 'JdbcDriverMismatch' && /org\.postgresql\.Driver \(PostgreSQL\) does not match connectionString jdbc:mysql:\/\/h:3306/.test(e.message),
    );
    assert.throws(() => check('oracle.jdbc.driver.OracleDriver', 'jdbc:postgresql://h/d'), /JdbcDriverMismatch|does not match/);
  });
});
