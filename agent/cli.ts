#!/usr/bin/env node
/**
 * The `taskrunner` command: `taskrunner [jar options]` runs the agent; `taskrunner <subcommand> ...` runs a
 * tool. Exit codes: 0 done (or --help), 1 unexpected failure, 2 bad command line or credentials file; the
 * agent's own codes otherwise. A subcommand is one file exporting `run: Subcommand`, plus its line in
 * SUBCOMMANDS (loaded lazily, so the agent's start-up does not pay for tools).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, HelpRequested, loadConfig } from './config.js';
import type { AgentConfig } from './config.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export type Subcommand = (argv: string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number>;
export type RunAgent = (config: AgentConfig) => Promise<number | void>;

/** Subcommands by name. Jar options all start with `--`, so a bare first word can only be a subcommand. */
const SUBCOMMANDS: Record<string, () => Promise<Subcommand>> = {
  'sql-check': async () => (await import('./commands/sql-check.js')).run,
};

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

async function defaultRunAgent(config: AgentConfig): Promise<number | void> {
  const { runAgent } = await import('./agent.js');
  return runAgent(config);
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo = processIo, runAgent: RunAgent = defaultRunAgent): Promise<number> {
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-')) {
    const load = Object.hasOwn(SUBCOMMANDS, first) ? SUBCOMMANDS[first] : undefined;
    if (!load) {
      const known = Object.keys(SUBCOMMANDS);
      io.err(`taskrunner: unknown command '${first}'${known.length ? ` (commands: ${known.join(', ')})` : ''}; see taskrunner --help\n`);
      return 2;
    }
    return (await load())(argv.slice(1), env, io);
  }
  let config: AgentConfig;
  try {
    config = loadConfig(argv, env);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.out(e.text);
      return 0;
    }
    if (e instanceof ConfigError) {
      io.err(`taskrunner: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  // config.warnings are runAgent's to log (once, in the runner log and so on stdout too).
  const code = await runAgent(config);
  return typeof code === 'number' ? code : 0;
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  // The SDK versions are pinned by our lockfile (and packages ship their own Node): its Node-20 notice is not
  // something an operator can act on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2), process.env).then(
    // exit() rather than exitCode: the agent's keep-alive sockets and timers must not hold the process open.
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`taskrunner: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
