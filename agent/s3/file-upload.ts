/**
 * Upload of a local file, without lib-storage: each part is read straight from the file (a positioned read at its
 * offset) into one of the reused part buffers of multipart.ts, so memory is `queueSize` x `partSize` whatever
 * the file's size. A file of at most one part is one PutObject.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { MAX_PARTS, multipart, putSingle } from './multipart.js';
import type { PartSource, UploadJob } from './multipart.js';
import { linkedAbort } from './workers.js';

export { UploadAbortedError } from './multipart.js';

type Sdk = typeof import('@aws-sdk/client-s3');

const MiB = 1024 * 1024;
/** A single-request body at least this large borrows a pool buffer rather than a fresh one. */
const POOLED_SINGLE = 256 * 1024;

export interface FileUploadJob extends UploadJob {
  path: string;
}

/** The part size for a file of `size` bytes: `base`, or more (whole MiB) when `base` would need over 10,000 parts. */
export function partSizeFor(size: number, base: number): number {
  const least = Math.ceil(size / MAX_PARTS);
  return least <= base ? base : Math.ceil(least / MiB) * MiB;
}

/** Fills `buf` from `fh` at `position`; fails if the file ends first (it shrank since its size was taken). */
async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, position + off);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position + off}, before its size when the upload started: it shrank meanwhile`);
    off += bytesRead;
  }
}

/** The file's parts, each read at its offset: the workers read theirs in parallel. */
function fileParts(fh: FileHandle, size: number, partSize: number): PartSource {
  const count = Math.ceil(size / partSize);
  let next = 0;
  return {
    total: size,
    count,
    async fill(take, signal) {
      if (next >= count || signal.aborted) return undefined;
      const i = next++;
      const start = i * partSize;
      const buf = take();
      const body = buf.subarray(0, Math.min(partSize, size - start));
      await readFully(fh, body, start);
      return { number: i + 1, body, buf };
    },
  };
}

export async function uploadFile(client: S3Client, sdk: Sdk, j: FileUploadJob): Promise<void> {
  const { ac, done } = linkedAbort(j.signal);
  const fh = await open(j.path, 'r');
  try {
    const size = (await fh.stat()).size;
    const partSize = partSizeFor(size, j.partSize);
    if (size <= partSize) {
      const pooled = j.pool && size >= POOLED_SINGLE && j.pool.size >= size ? j.pool.take() : undefined;
      const body = pooled ? pooled.subarray(0, size) : Buffer.allocUnsafe(size);
      await readFully(fh, body, 0);
      await putSingle(client, sdk, j, body, ac, pooled);
      return;
    }
    await multipart(client, sdk, { ...j, partSize }, fileParts(fh, size, partSize), ac);
  } finally {
    done();
    await fh.close();
  }
}
