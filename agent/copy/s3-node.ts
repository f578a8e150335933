/**
 * An S3DataNode as a copy sees it (taskrunner.md 3.8): exactly one of `filePath` (one object) and
 * `directoryPath` (every object under the prefix), and the objects it holds.
 */
import { basename } from 'node:path/posix';
import type { ObjectView } from '../objects.js';
import type { S3Access } from '../s3/access.js';
import { dirPrefix, parseS3Uri } from '../s3/uri.js';
import { CopyFailure, inContext } from './copier.js';

export interface S3NodeLocation {
  nodeId: string;
  field: 'filePath' | 'directoryPath';
  uri: string;
  bucket: string;
  /** The object key (filePath) or the prefix ending with `/` ('' for the bucket's root) (directoryPath). */
  key: string;
  isDirectory: boolean;
}

export interface SourceObject {
  key: string;
  size: number;
  /** The path below the input directory (directoryPath), or the file name (filePath). */
  relative: string;
}

export function s3NodeLocation(node: ObjectView): S3NodeLocation {
  const file = node.value('filePath');
  const dir = node.value('directoryPath');
  if ((file === undefined) === (dir === undefined)) {
    throw new CopyFailure(
      'InvalidS3DataNode',
      `${node.id}: an S3DataNode needs exactly one of filePath and directoryPath (${file === undefined ? 'neither is' : 'both are'} set)`,
    );
  }
  const field = file !== undefined ? 'filePath' : 'directoryPath';
  const uri = (file ?? dir) as string;
  let loc;
  try {
    loc = parseS3Uri(uri);
  } catch (err) {
    throw inContext(err, node.id, field);
  }
  if (field === 'filePath' && (loc.key === '' || loc.key.endsWith('/'))) {
    throw new CopyFailure('InvalidS3Uri', `${node.id}.filePath: ${JSON.stringify(uri)} names a directory, not an object; use directoryPath`);
  }
  return {
    nodeId: node.id,
    field,
    uri,
    bucket: loc.bucket,
    key: field === 'directoryPath' ? dirPrefix(loc.key) : loc.key,
    isDirectory: field === 'directoryPath',
  };
}

/** The objects a location holds, in key order; folder placeholder keys (ending in `/`) are skipped. */
export async function sourceObjects(s3: S3Access, loc: S3NodeLocation, signal: AbortSignal): Promise<SourceObject[]> {
  try {
    if (!loc.isDirectory) {
      const info = await s3.head(loc.bucket, loc.key, signal);
      return [{ key: loc.key, size: info.size, relative: basename(loc.key) }];
    }
    const out: SourceObject[] = [];
    for await (const o of s3.list(loc.bucket, loc.key, signal)) {
      if (o.key.endsWith('/')) continue;
      out.push({ key: o.key, size: o.size, relative: o.key.slice(loc.key.length) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } catch (err) {
    throw inContext(err, loc.nodeId, loc.field);
  }
}
