/**
 * The memory floor of any task runner built on the AWS SDK for JavaScript v3: a node process that loads
 * `@aws-sdk/client-data-pipeline`, makes one client and keeps `slots` PollForTask calls outstanding against the
 * endpoint (at least 1 ms apart per slot, as the benchmarks' agents are set), and does nothing else (no logger,
 * no journal, no task code). Run with the agent's node flags and
 * environment, side by side with it, so the agent's RSS can be read against what Node and the SDK alone take.
 * `node sdk-floor-child.mjs <endpoint> <accessKeyId> <secretAccessKey> <workerGroup> <slots>`. Plain JavaScript:
 * no TypeScript loader in the measured process.
 */
import { DataPipelineClient, PollForTaskCommand } from '@aws-sdk/client-data-pipeline';

const [endpoint, accessKeyId, secretAccessKey, workerGroup, slots] = process.argv.slice(2);
const client = new DataPipelineClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
  client.destroy();
  process.exit(0);
});
async function slot() {
  while (!stopping) {
    try {
      await client.send(new PollForTaskCommand({ workerGroup }), { abortSignal: AbortSignal.timeout(100_000) });
      await new Promise((r) => setTimeout(r, 1));
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
for (let i = 0; i < Number(slots); i++) void slot();
