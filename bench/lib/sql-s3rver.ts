/**
 * s3rver as its own process for the SQL benchmarks (so its CPU and memory are not the benchmark's or the agent's):
 * `node --import tsx sql-s3rver.ts <dir> <bucket>` serves <dir> on a free port of 127.0.0.1, with <bucket>
 * created, prints `port=<n>` once listening, and stops on SIGTERM or when its parent goes (stdin closes).
 * Signatures are not checked (`allowMismatchedSignatures`): the aws CLI and the agent sign for the same key, but
 * s3rver's own signature check is not what is being measured.
 */
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
// configureBuckets is missing from s3rver's type declarations.
const options = { address: '127.0.0.1', port: 0, silent: true, directory, allowMismatchedSignatures: true, configureBuckets: [{ name: bucket }] };
const server = new S3rver(options as ConstructorParameters<typeof S3rver>[0]);
const { port } = await server.run();
process.stdout.write(`port=${port}\n`);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void server.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop).on('close', stop).resume();
