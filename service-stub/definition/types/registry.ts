/**
 * Every object type the definition layer knows, one descriptor file each. Adding a type = one new file + one line in
 * DESCRIPTORS below.
 */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { copyActivity } from './copy-activity.js';
import { csv } from './csv.js';
import { custom } from './custom.js';
import { dynamoDBDataExists } from './dynamodb-data-exists.js';
import { dynamoDBDataFormat } from './dynamodb-data-format.js';
import { dynamoDBDataNode } from './dynamodb-data-node.js';
import { dynamoDBExportDataFormat } from './dynamodb-export-data-format.js';
import { dynamoDBTableExists } from './dynamodb-table-exists.js';
import { ec2Resource } from './ec2-resource.js';
import { emrActivity } from './emr-activity.js';
import { emrCluster } from './emr-cluster.js';
import { emrConfiguration } from './emr-configuration.js';
import { exists } from './exists.js';
import { hadoopActivity } from './hadoop-activity.js';
import { hiveActivity } from './hive-activity.js';
import { hiveCopyActivity } from './hive-copy-activity.js';
import { httpProxy } from './http-proxy.js';
import { jdbcDatabase } from './jdbc-database.js';
import { mySqlDataNode } from './mysql-data-node.js';
import { pigActivity } from './pig-activity.js';
import { property } from './property.js';
import { rdsDatabase } from './rds-database.js';
import { redshiftCopyActivity } from './redshift-copy-activity.js';
import { redshiftDatabase } from './redshift-database.js';
import { redshiftDataNode } from './redshift-data-node.js';
import { regEx } from './regex.js';
import { s3DataNode } from './s3-data-node.js';
import { s3KeyExists } from './s3-key-exists.js';
import { s3PrefixNotEmpty } from './s3-prefix-not-empty.js';
import { schedule } from './schedule.js';
import { shellCommandActivity } from './shell-command-activity.js';
import { shellCommandPrecondition } from './shell-command-precondition.js';
import { shellScriptConfig } from './shell-script-config.js';
import { snsAlarm } from './sns-alarm.js';
import { sqlActivity } from './sql-activity.js';
import { sqlDataNode } from './sql-data-node.js';
import { sqlPrecondition } from './sql-precondition.js';
import { terminate } from './terminate.js';
import { tsv } from './tsv.js';

export const DESCRIPTORS: readonly ObjectTypeDescriptor[] = [
  // activities
  shellCommandActivity,
  copyActivity,
  sqlActivity,
  redshiftCopyActivity,
  emrActivity,
  hadoopActivity,
  hiveActivity,
  hiveCopyActivity,
  pigActivity,
  // data nodes
  s3DataNode,
  sqlDataNode,
  mySqlDataNode,
  dynamoDBDataNode,
  redshiftDataNode,
  // preconditions
  shellCommandPrecondition,
  exists,
  s3KeyExists,
  s3PrefixNotEmpty,
  dynamoDBDataExists,
  dynamoDBTableExists,
  sqlPrecondition, // [EXT]
  // databases
  jdbcDatabase,
  rdsDatabase,
  redshiftDatabase,
  // data formats
  csv,
  tsv,
  custom,
  regEx,
  dynamoDBDataFormat,
  dynamoDBExportDataFormat,
  // resources
  ec2Resource,
  emrCluster,
  // schedule
  schedule,
  // actions
  snsAlarm,
  terminate,
  // utilities
  httpProxy,
  shellScriptConfig,
  emrConfiguration,
  property,
];

const BY_TYPE: ReadonlyMap<string, ObjectTypeDescriptor> = new Map(DESCRIPTORS.map((d) => [d.type, d]));

/** The descriptor of a type name; type names are case-sensitive, as in AWS. */
export function getDescriptor(type: string): ObjectTypeDescriptor | undefined {
  return BY_TYPE.get(type);
}
