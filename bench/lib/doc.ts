/**
 * docs/benchmarks.md: one section per component (`server`, later `agent`, ...), each between markers so a run
 * rewrites only the sections it measured; inside a section, one block per figure, so a run of some of a
 * component's scripts keeps the others' last results (each block carries its own date).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { PG_ADMIN_URL } from '../../test/support/server.js';
import type { FigureResult } from './report.js';

const TITLES: Record<string, string> = {
  server: 'Control plane (`datapipe-server`)',
  agent: 'Task Runner (`taskrunner`)',
  sql: 'SQL copies (CopyActivity with SQL data nodes, `taskrunner`)',
  s3: 'S3 transfers (the agent\'s S3 code against the AWS CLI)',
};

const HEADER = `# Benchmarks

Measured by \`npm run bench\`, which runs every script in \`bench/\` (one per figure) and rewrites this file.
\`npm run bench -- server\` runs one component's scripts, \`npm run bench -- server-latency\` one script; either rewrites
only the section(s) it measured and keeps the figures it did not run as they were (each says when it was measured).
Benchmarks are not part of \`npm test\`.
`;

export interface Machine {
  cores: string;
  cpu: string;
  memory: string;
  node: string;
  postgres: string;
  /** 1-minute load averages seen when the run started and ended: other work on the machine shows here. */
  load?: string;
}

export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}

export async function describeMachine(): Promise<Machine> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? NaN);
  let postgres = 'not reachable';
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await c.connect();
    postgres = (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  } catch {
    // reported as not reachable
  } finally {
    await c.end().catch(() => {});
  }
  return {
    cores: execFileSync('nproc', { encoding: 'utf8' }).trim(),
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1].trim() ?? 'unknown',
    memory: `${(memKb / 1024 / 1024).toFixed(1)} GiB`,
    node: process.version,
    postgres: `PostgreSQL ${postgres} (127.0.0.1:5432, default settings: fsync and synchronous_commit on)`,
  };
}

const sectionRe = (c: string) => new RegExp(`<!-- bench:${c} -->[\\s\\S]*?<!-- /bench:${c} -->`);
const figureRe = (n: string) => new RegExp(`<!-- figure:${n} -->[\\s\\S]*?<!-- /figure:${n} -->`);

function figureBlock(r: FigureResult, date: string): string {
  return `<!-- figure:${r.name} -->\n### ${r.title}\n\n_Measured ${date}._\n\n${r.body}\n<!-- /figure:${r.name} -->`;
}

/** Rewrite `component`'s section with `results` (figures of it not in `results` keep their previous block). */
export function writeSection(
  path: string,
  component: string,
  order: readonly string[],
  results: readonly FigureResult[],
  machine: Machine,
  notes: string | undefined,
): void {
  let doc = existsSync(path) ? readFileSync(path, 'utf8') : HEADER;
  const old = sectionRe(component).exec(doc)?.[0] ?? '';
  const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const blocks = order
    .map((name) => {
      const r = results.find((x) => x.name === name);
      return r ? figureBlock(r, date) : figureRe(name).exec(old)?.[0];
    })
    .filter((b): b is string => b !== undefined);
  const section = [
    `<!-- bench:${component} -->`,
    `## ${TITLES[component] ?? component}`,
    '',
    `Last run ${date} (${results.map((r) => r.name).join(', ')}) on:`,
    '',
    `- ${machine.cores} cores (\`nproc\`), ${machine.cpu}, ${machine.memory} of memory`,
    `- Node ${machine.node}, ${machine.postgres}`,
    ...(machine.load ? [`- 1-minute load average ${machine.load} (anything above what the benchmark itself adds is other work on the machine)`] : []),
    '',
    `The machine has only ${machine.cores} cores, shared by every process of a benchmark (the SDK client, the server, ` +
      `PostgreSQL, the agent and its tasks) and by anything else running at the time: every figure is lower than it ` +
      `would be with each on cores of its own.`,
    '',
    ...blocks.flatMap((b) => [b, '']),
    ...(notes ? [notes.trim(), ''] : []),
    `<!-- /bench:${component} -->`,
  ].join('\n');
  doc = old ? doc.replace(old, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, doc);
}
