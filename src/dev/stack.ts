/**
 * Starts a throwaway Temporal dev server, Mailpit and PostgreSQL on free ports, writes their
 * addresses to an env file, and runs until SIGTERM/SIGINT (then stops them all and exits 0).
 * Used by the test script:
 *
 *   node --import tsx src/dev/stack.ts --env-out FILE [--data-dir DIR]
 *
 * `--env-file FILE` is accepted too, but Node 20 also reads an `--env-file` placed AFTER the script
 * name as its own option and aborts ("node: FILE: not found") when FILE does not exist yet; use
 * `--env-out`, or `-- --env-file FILE`, on Node 20.
 *
 * FILE (written atomically once everything is ready, removed on exit) holds TEMPORAL_ADDRESS,
 * TEMPORAL_UI_URL, SMTP_URL, MAILPIT_URL and DATABASE_URL lines. Logs go to DIR (default: a temp
 * folder, removed on a clean exit; keep it by passing --data-dir).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findFreePorts, startLocalServices, type LocalServices } from './services';

const t0 = Date.now();
const say = (line: string): void => {
  process.stdout.write(`[stack +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args: args[0] === '--' ? args.slice(1) : args,
    options: { 'env-out': { type: 'string' }, 'env-file': { type: 'string' }, 'data-dir': { type: 'string' } },
    strict: true,
  });
  const envFile = values['env-out'] ?? values['env-file'];
  if (!envFile) {
    process.stderr.write('usage: node --import tsx src/dev/stack.ts --env-out FILE [--data-dir DIR]\n');
    return 2;
  }
  const ownDataDir = !values['data-dir'];
  const dataDir = values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-stack-'));
  fs.rmSync(envFile, { force: true }); // never leave a stale file for a script that waits for it

  let services: LocalServices | undefined;
  let stopping: Promise<number> | undefined;
  const shutdown = (signal: string): Promise<number> => {
    stopping ??= (async () => {
      say(`${signal}: stopping`);
      const s0 = Date.now();
      await services?.stop();
      fs.rmSync(envFile, { force: true });
      if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      say(`stopped in ${((Date.now() - s0) / 1000).toFixed(1)}s`);
      return 0;
    })();
    return stopping;
  };
  // Registered before starting, so a signal during start also cleans up.
  const stopped = new Promise<number>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      process.on(signal, () => void shutdown(signal).then(resolve));
    }
  });

  const [temporalPort, temporalUiPort, smtpPort, mailpitHttpPort, pgPort] = await findFreePorts(5);
  say(`starting Temporal, Mailpit and PostgreSQL (logs in ${dataDir})`);
  try {
    services = await startLocalServices({
      dataDir,
      persistent: false,
      temporalPort,
      temporalUiPort,
      smtpPort,
      mailpitHttpPort,
      pgPort,
      start: { temporal: true, smtp: true, postgres: true },
      log: say,
    });
  } catch (err) {
    process.stderr.write(`stack: ${err instanceof Error ? err.message : String(err)}\n`);
    if (ownDataDir) process.stderr.write(`stack: logs kept in ${dataDir}\n`);
    return 1;
  }
  if (stopping) {
    // A signal arrived while starting: shutdown() ran before there was anything to stop.
    await services.stop();
    return stopping;
  }

  const lines = [
    `TEMPORAL_ADDRESS=${services.temporalAddress}`,
    `TEMPORAL_UI_URL=${services.temporalUiUrl}`,
    `SMTP_URL=${services.smtpUrl}`,
    `MAILPIT_URL=${services.inboxUrl}`,
    `DATABASE_URL=${services.databaseUrl}`,
  ];
  const tmp = `${envFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${lines.join('\n')}\n`);
  fs.renameSync(tmp, envFile);
  say(`ready in ${((Date.now() - t0) / 1000).toFixed(1)}s; wrote ${envFile}`);
  return stopped;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`stack: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
