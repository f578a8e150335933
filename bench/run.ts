/**
 * `npm run bench [-- <component|script> ...]`: runs each benchmark script of bench/ (`<component>-<figure>.ts`)
 * as its own process, one after the other, then rewrites the measured components' sections of
 * docs/benchmarks.md. `npm run bench -- server` runs the control plane's scripts only; `-- server-latency` one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, loadAverage, writeSection } from './lib/doc.js';
import type { FigureResult } from './lib/report.js';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const DOC = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));

const componentOf = (script: string) => script.split('-')[0];

async function main(): Promise<number> {
  const scripts = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  const filters = process.argv.slice(2);
  const selected = filters.length ? scripts.filter((s) => filters.some((f) => f === s || f === componentOf(s))) : scripts;
  if (!selected.length) {
    process.stderr.write(`no benchmark matches ${filters.join(' ')}; components: ${[...new Set(scripts.map(componentOf))].join(', ')}; scripts: ${scripts.join(', ')}\n`);
    return 2;
  }

  const loadAtStart = loadAverage();
  const tmp = mkdtempSync(join(tmpdir(), 'dp-bench-results-'));
  const results: FigureResult[] = [];
  const failed: string[] = [];
  try {
    for (const script of selected) {
      process.stderr.write(`\n== ${script}\n`);
      const resultFile = join(tmp, `${script}.json`);
      const started = Date.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(BENCH_DIR, `${script}.ts`)], {
        stdio: 'inherit',
        env: { ...process.env, BENCH_RESULT_FILE: resultFile, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        // The script gives up by itself at 115 s (s3: 190 s, for its 1 GiB transfers; agent-idle: 200 s, for its rests
        // at three points); this only guards against a wedged process.
        timeout: componentOf(script) === 's3' || script === 'agent-idle' ? 230_000 : 150_000,
      });
      process.stderr.write(`== ${script}: ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${r.status ?? r.signal}\n`);
      if (r.status === 0 && existsSync(resultFile)) results.push(JSON.parse(readFileSync(resultFile, 'utf8')) as FigureResult);
      else failed.push(script);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  if (results.length) {
    const machine = { ...(await describeMachine()), load: `${loadAtStart} at the start, ${loadAverage()} at the end` };
    for (const component of new Set(results.map((r) => componentOf(r.name)))) {
      const notesFile = join(BENCH_DIR, 'notes', `${component}.md`);
      writeSection(
        DOC,
        component,
        scripts.filter((s) => componentOf(s) === component),
        results.filter((r) => componentOf(r.name) === component),
        machine,
        existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : undefined,
      );
    }
    process.stderr.write(`\nwrote ${DOC}\n`);
  }
  for (const r of results) for (const t of r.targets) process.stderr.write(`${t.met ? 'met   ' : 'MISSED'} ${r.name}: ${t.what}\n`);
  if (failed.length) process.stderr.write(`FAILED: ${failed.join(', ')} (their sections were left as they were)\n`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
