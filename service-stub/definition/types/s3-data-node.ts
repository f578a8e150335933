/** S3DataNode: an S3 file or directory (dp-object-s3datanode). */
import type { ObjectTypeDescriptor } from './descriptor.js';
import { DATANODE_FIELDS, DATANODE_REFS, RUNNABLE_PERIODS } from './common.js';

export const s3DataNode: ObjectTypeDescriptor = {
  type: 'S3DataNode',
  kind: 'datanode',
  required: [],
  exactlyOneOf: [['filePath', 'directoryPath']],
  refs: { ...DATANODE_REFS, dataFormat: ['format'] },
  fields: [...DATANODE_FIELDS, 'compression', 'manifestFilePath', 's3EncryptionType'],
  periodFields: RUNNABLE_PERIODS,
};
