import { PollForTaskCommand, SetTaskStatusCommand, ReportTaskProgressCommand } from '@aws-sdk/client-data-pipeline';
import { freshPostgresDatabase } from '/work/main/test/support/server.js';
import { activeShellPipeline, queryAll, statuses } from '/work/main/test/service-stub/process/fixtures.js';
import { killAllServers, spawnServer, tempDir, writeKeysFile } from '/work/main/test/service-stub/process/spawn-server.js';
import { writeFileSync } from 'node:fs';
describe('dbg', function () {
  this.timeout(60000);
  it('x', async () => {
    const db = await freshPostgresDatabase();
    const s = [];
    try {
    const keys = writeKeysFile(tempDir());
    const args = ['--database-url', db.url, '--keys', keys, '--poll-wait', '1', '--max-objects', '100', '--relaxed-limits', '--log-level', 'debug'];
    const t0 = Date.now();
    s.push(await spawnServer(args), await spawnServer(args));
    const pids = [];
    for (let i = 0; i < 4; i++) pids.push(await activeShellPipeline(s[i % 2].client(), 'p' + i, 50));
    console.log('created', Date.now() - t0);
    let n = 0; const dl = Date.now() + 20000;
    const poller = async (c, name) => {
      while (Date.now() < dl) {
        const r = await c.send(new PollForTaskCommand({ workerGroup: 'wg', hostname: name }));
        if (!r.taskObject) { console.log(name, 'empty', Date.now() - t0, n); if (n >= 200) return; continue; }
        n++;
        await c.send(new ReportTaskProgressCommand({ taskId: r.taskObject.taskId! }));
        await c.send(new SetTaskStatusCommand({ taskId: r.taskObject.taskId!, taskStatus: 'FINISHED' }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => poller(s[i % 2].client(), 'poller-' + i)));
    console.log('polled', n, Date.now() - t0);
    } finally { s.forEach((x, i) => writeFileSync('/tmp/dbg-s' + i + '.log', x.stdout() + '\n---\n' + x.stderr())); await killAllServers(); await db.drop(); }
  });
});
