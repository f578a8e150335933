import assert from 'node:assert/strict';
import nock from 'nock';
import { sqlActivity } from '../../../agent/executors/sql-activity.js';
import { sqlPrecondition } from '../../../agent/executors/sql-precondition.js';
import { freshDatabases } from './fresh-dbs.js';
import type { FreshDbs } from './fresh-dbs.js';
import { sqlContext } from './task-context.js';

// nock intercepts every HTTP request of the process from the moment it is imported, and mocha imports all test
// files first: switch it off here and on only around this file's tests.
nock.restore();

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function rdsXml(engine: string, dbName: string): string {
  return `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance>
<DBInstanceIdentifier>orders-db</DBInstanceIdentifier><Engine>${engine}</Engine><DBInstanceStatus>available</DBInstanceStatus><DBName>${dbName}</DBName>
<Endpoint><Address>127.0.0.1</Address><Port>5432</Port></Endpoint></DBInstance></DBInstances></DescribeDBInstancesResult>
<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`;
}

function redshiftXml(dbName: string): string {
  return `<DescribeClustersResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/"><DescribeClustersResult><Clusters><Cluster>
<ClusterIdentifier>mydb</ClusterIdentifier><ClusterStatus>available</ClusterStatus><DBName>${dbName}</DBName>
<Endpoint><Address>127.0.0.1</Address><Port>5432</Port></Endpoint></Cluster></Clusters></DescribeClustersResult>
<ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></DescribeClustersResponse>`;
}

describe('RdsDatabase and RedshiftDatabase ids resolved through the AWS APIs (nock)', () => {
  let dbs: FreshDbs;
  before(async () => {
    dbs = await freshDatabases();
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
    await dbs?.drop();
  });
  afterEach(() => assert.ok(nock.isDone(), `pending mocks: ${nock.pendingMocks().join(', ')}`));

  it('rdsInstanceId -> DescribeDBInstances in the object\'s region -> endpoint, port, engine and DBName', async () => {
    let body: Record<string, string> = {};
    nock('https://rds.eu-west-1.amazonaws.com')
      .post('/', (b: Record<string, string>) => {
        body = b;
        return true;
      })
      .reply(200, rdsXml('postgres', dbs.name), { 'content-type': 'text/xml' });
    const out = await sqlPrecondition.execute(
      sqlContext([
        { id: 'Ready', type: 'SqlPrecondition', database: { ref: 'Rds' }, query: 'select current_database() = ?', scriptArgument: dbs.name },
        { id: 'Rds', type: 'RdsDatabase', rdsInstanceId: 'orders-db', region: 'eu-west-1', username: 'postgres', '*password': 'x' },
      ]),
    );
    assert.deepEqual(out, { status: 'FINISHED' });
    assert.equal(body.Action, 'DescribeDBInstances');
    assert.equal(body.DBInstanceIdentifier, 'orders-db');
  });

  it('an unknown instance, and an Oracle one, fail with clear errorIds', async () => {
    nock('https://rds.us-east-1.amazonaws.com')
      .post('/')
      .reply(404, '<ErrorResponse><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance nope not found.</Message></Error><RequestId>x</RequestId></ErrorResponse>', { 'content-type': 'text/xml' });
    const missing = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'select 1', database: { ref: 'Rds' } }, { id: 'Rds', type: 'RdsDatabase', rdsInstanceId: 'nope', username: 'u', '*password': 'p' }]));
    assert.equal(missing.status === 'FAILED' && missing.errorId, 'DatabaseLookupFailed');
    assert.match(missing.status === 'FAILED' ? missing.errorMessage : '', /Rds: looking up RDS instance nope failed: DBInstanceNotFound/);
    nock('https://rds.us-east-1.amazonaws.com').post('/').reply(200, rdsXml('oracle-ee', 'ORCL'), { 'content-type': 'text/xml' });
    const oracle = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'select 1', database: { ref: 'Rds' } }, { id: 'Rds', type: 'RdsDatabase', rdsInstanceId: 'orders-db', username: 'u', '*password': 'p' }]));
    assert.equal(oracle.status === 'FAILED' && oracle.errorId, 'UnsupportedDatabase');
  });

  it('clusterId -> DescribeClusters -> endpoint; queue sets query_group before the script', async () => {
    let body: Record<string, string> = {};
    nock('https://redshift.us-east-1.amazonaws.com')
      .post('/', (b: Record<string, string>) => {
        body = b;
        return true;
      })
      .times(2)
      .reply(200, redshiftXml(dbs.name), { 'content-type': 'text/xml' });
    const ok = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'create table rs_t (a int); insert into rs_t values (?)', scriptArgument: '5', database: { ref: 'Rs' } }, { id: 'Rs', type: 'RedshiftDatabase', clusterId: 'mydb', username: 'postgres', '*password': 'p' }]));
    assert.deepEqual(ok, { status: 'FINISHED' });
    assert.equal(body.Action, 'DescribeClusters');
    assert.equal(body.ClusterIdentifier, 'mydb');
    assert.deepEqual(await dbs.pg('select a from rs_t'), [[5]]);
    // The local PostgreSQL stands in for Redshift and has no query_group: its refusal shows the SET went first.
    const queued = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'select 1', queue: 'etl', database: { ref: 'Rs' } }, { id: 'Rs', type: 'RedshiftDatabase', clusterId: 'mydb', username: 'postgres', '*password': 'p' }]));
    assert.equal(queued.status === 'FAILED' && queued.errorId, 'SqlStatementFailed');
    assert.match(queued.status === 'FAILED' ? queued.errorMessage : '', /setup statement before the script failed.*query_group.*\n.*SET query_group TO 'etl'/s);
  });

  it('a RedshiftDatabase with both clusterId and connectionString is rejected', async () => {
    const out = await sqlActivity.execute(sqlContext([{ id: 'A', type: 'SqlActivity', script: 'select 1', database: { ref: 'Rs' } }, { id: 'Rs', type: 'RedshiftDatabase', clusterId: 'c', connectionString: 'jdbc:redshift://h:5439/d', username: 'u', '*password': 'p' }]));
    assert.equal(out.status === 'FAILED' && out.errorId, 'InvalidDatabase');
  });
});
