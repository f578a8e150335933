/**
 * Figure: idle long-polls held at once. 1,000 PollForTask requests on a worker group with no work reach the server
 * together (one connection each) and are held for the whole --poll-wait (30 s), then answered empty.
 * Counted three ways: none has settled once all have reached the server, the server process holds a socket for each, and every
 * one is answered empty only after the full hold. The server's RSS is read idle and while holding them.
 */
import { performance } from 'node:perf_hooks';
import { ListPipelinesCommand, PollForTaskCommand } from '@aws-sdk/client-data-pipeline';
import { benchClient } from './lib/client.js';
import { log, mib, runFigure, sleep, table } from './lib/report.js';
import { startBenchServer, STORE_LABEL, STORES } from './lib/server-process.js';
import type { StoreKind } from './lib/server-process.js';

const POLLS = 1000;
const POLL_WAIT_S = 30;
/** Checked this long after every connection has reached the server (or MAX_CHECK_WAIT_MS, if some never do). */
const CHECK_AFTER_MS = 2000;
const MAX_CHECK_WAIT_MS = 15_000;

interface Run {
  store: StoreKind;
  pendingAtCheck: number;
  serverSockets: number;
  /** Seconds after sending at which pending polls and sockets were counted. */
  checkedAtS: number;
  answeredEmpty: number;
  /** Shortest time any poll was held before its empty answer. */
  minHeldS: number;
  rssIdleKb: number;
  rssHoldingKb: number;
}

/**
 * Start holding POLLS polls on a fresh server and check them once every connection has reached it; resolves with
 * a promise of the finished run (all answered) so the next store's polls can be sent meanwhile.
 */
async function startHolding(store: StoreKind): Promise<{ finished: Promise<Run> }> {
  const server = await startBenchServer(store, { pollWaitS: POLL_WAIT_S });
  const c = benchClient(server.url, POLLS * 2);
  const end = async () => {
    c.destroy();
    await server.stop();
  };
  try {
    // One request first, so "idle" means a server that has served; its own client, closed, so that every poll
    // below needs a new connection and the server's socket count shows each of them.
    const warm = benchClient(server.url, 1);
    await warm.send(new ListPipelinesCommand({}));
    warm.destroy();
    await sleep(1000);
    const rssIdleKb = server.rssKb();
    const socketsIdle = server.socketCount();
    log(`${store}: sending ${POLLS} polls (server RSS idle ${mib(rssIdleKb)})`);
    let settled = 0;
    let answeredEmpty = 0;
    let minHeldMs = Infinity;
    const t0 = performance.now();
    const polls = Array.from({ length: POLLS }, (_, i) =>
      c.send(new PollForTaskCommand({ workerGroup: 'bench-idle', hostname: `idle-${i}` })).then(
        (r) => {
          settled++;
          minHeldMs = Math.min(minHeldMs, performance.now() - t0);
          if (!r.taskObject) answeredEmpty++;
        },
        (err: Error) => {
          settled++;
          log(`${store}: poll ${i} failed: ${err.message}`);
        },
      ),
    );
    // Sockets beyond those the idle server had (listening socket, store connections, the warm-up connection).
    let serverSockets = 0;
    for (const t = Date.now(); Date.now() - t < MAX_CHECK_WAIT_MS; ) {
      await sleep(250);
      serverSockets = server.socketCount() - socketsIdle;
      if (serverSockets >= POLLS) break;
    }
    const reachedS = (performance.now() - t0) / 1000;
    await sleep(CHECK_AFTER_MS);
    const pendingAtCheck = POLLS - settled;
    serverSockets = server.socketCount() - socketsIdle;
    const rssHoldingKb = server.rssKb();
    const checkedAtS = (performance.now() - t0) / 1000;
    log(`${store}: connections all in after ${reachedS.toFixed(1)} s; at ${checkedAtS.toFixed(1)} s ${pendingAtCheck} pending, server holds ${serverSockets} more sockets, RSS ${mib(rssHoldingKb)}`);
    const finished = (async () => {
      try {
        await Promise.all(polls);
        log(`${store}: ${answeredEmpty} answered empty, the first after ${(minHeldMs / 1000).toFixed(1)} s`);
        return { store, pendingAtCheck, serverSockets, checkedAtS, answeredEmpty, minHeldS: minHeldMs / 1000, rssIdleKb, rssHoldingKb };
      } finally {
        await end();
      }
    })();
    return { finished };
  } catch (err) {
    await end();
    throw err;
  }
}

void runFigure(async () => {
  // Stores one after the other, but the second's polls go out while the first's are still held (idle, no CPU),
  // so the script takes one hold instead of two.
  const holding: Promise<Run>[] = [];
  try {
    for (const store of STORES) holding.push((await startHolding(store)).finished);
  } finally {
    await Promise.allSettled(holding);
  }
  const runs = await Promise.all(holding);
  const held = (r: Run) => (r.answeredEmpty === POLLS && r.minHeldS >= POLL_WAIT_S - 1 ? r.pendingAtCheck : 0);
  const body = [
    `${POLLS} PollForTask requests on a worker group with no work, sent at once over ${POLLS} keep-alive connections ` +
      `(client maxSockets ${POLLS * 2}), server --poll-wait ${POLL_WAIT_S}. "Held" counts the polls still unanswered ` +
      `when counted (${CHECK_AFTER_MS / 1000} s after the server had accepted every connection), provided every poll was then answered empty no sooner than the full hold; ` +
      `"server sockets" is how many more sockets the server process had open at that moment than when idle. RSS is the ` +
      `server process's VmRSS.`,
    '',
    table(
      ['store', 'held at once', 'counted at', 'server sockets', 'answered empty', 'shortest hold', 'RSS idle', 'RSS holding', 'per held poll'],
      runs.map((r) => [
        STORE_LABEL[r.store],
        String(held(r)),
        `${r.checkedAtS.toFixed(1)} s`,
        String(r.serverSockets),
        `${r.answeredEmpty} / ${POLLS}`,
        `${r.minHeldS.toFixed(1)} s`,
        mib(r.rssIdleKb),
        mib(r.rssHoldingKb),
        `${((r.rssHoldingKb - r.rssIdleKb) / POLLS).toFixed(1)} KiB`,
      ]),
    ),
    '',
    `Target: ${POLLS} held at once on both stores: ${runs.every((r) => held(r) >= POLLS) ? 'met' : 'missed'}.`,
  ].join('\n');
  return {
    name: 'server-idle-polls',
    title: 'Idle long-polls held at once',
    body,
    targets: runs.map((r) => ({ what: `${POLLS} polls held at once on ${STORE_LABEL[r.store]} (got ${held(r)})`, met: held(r) >= POLLS })),
  };
});
