import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../config';
import { assertPortFree, portsFromEnv, startLocalServices, type LocalServices } from '../dev/services';
import { DEV_PID_VARIABLE, devDir, devEnvFile, readDevEnv } from './env';
import { openStores } from '../store';
import { startWeb } from '../web/start';
import { startWorker } from '../worker';

/** Local secrets, made once and kept in .docnotify/ (never used in production: set the variables there). */
function devSecrets(): Record<string, string> {
  const file = path.join(devDir(), 'secrets.env');
  const existing = existsSync(file) ? dotenv.parse(readFileSync(file)) : {};
  const secrets = {
    API_TOKEN: existing.API_TOKEN ?? randomBytes(24).toString('base64url'),
    ACTION_LINK_SECRET: existing.ACTION_LINK_SECRET ?? randomBytes(32).toString('base64url'),
    ADMIN_CREDENTIALS: existing.ADMIN_CREDENTIALS ?? `admin:${randomBytes(9).toString('base64url')}`,
  };
  writeFileSync(
    file,
    Object.entries(secrets)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
    { mode: 0o600 },
  );
  return secrets;
}

/**
 * `docnotify dev` (what `npm start` runs): starts a local Temporal dev server, PostgreSQL and SMTP catcher for each
 * of TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL that is not set, then the worker and the HTTP server. Ctrl-C stops all.
 * Data in DOCNOTIFY_DEV_DIR (default `.docnotify/`), ports from the DOCNOTIFY_*_PORT variables and PORT, so that two
 * systems can run side by side. While it runs, `dev.env` there holds its pid and URLs for the other CLI commands.
 */
export async function runDev(): Promise<void> {
  const t0 = Date.now();
  const dir = devDir();
  const envFile = devEnvFile();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let services: LocalServices | undefined;
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  let wroteEnvFile = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nstopping docnotify dev ...');
    if (wroteEnvFile) rmSync(envFile, { force: true });
    for (const stop of stops.reverse())
      await stop().catch((e: unknown) => say(`  (while stopping: ${(e as Error).message})`));
    await services?.stop();
    say('stopped.');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    const env = process.env;
    const running = readDevEnv();
    if (running) {
      throw new Error(
        `docnotify dev is already running on ${dir} (pid ${running[DEV_PID_VARIABLE]}). Stop it first, or run a second ` +
          'system beside it with its own DOCNOTIFY_DEV_DIR, PORT and DOCNOTIFY_*_PORT variables.',
      );
    }
    // Fail fast, before starting anything: bad values, then a taken HTTP port (the services check theirs).
    const ports = portsFromEnv(env);
    await assertPortFree(loadConfig(env).PORT, 'HTTP', 'PORT');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    services = await startLocalServices({
      ...ports,
      dataDir: dir,
      persistent: true,
      start: { temporal: !env.TEMPORAL_ADDRESS, smtp: !env.SMTP_URL, postgres: !env.DATABASE_URL },
      log: (l) => say(`  ${l}`),
    });
    const secrets = devSecrets();
    const resolved: Record<string, string> = {
      ...Object.fromEntries(Object.entries(secrets).filter(([k]) => !env[k])),
      ...(services.temporalAddress ? { TEMPORAL_ADDRESS: services.temporalAddress } : {}),
      ...(services.smtpUrl ? { SMTP_URL: services.smtpUrl } : {}),
      ...(services.databaseUrl ? { DATABASE_URL: services.databaseUrl } : {}),
      ...(services.temporalUiUrl ? { TEMPORAL_UI_URL: services.temporalUiUrl } : {}),
      ...(services.inboxUrl ? { MAILPIT_URL: services.inboxUrl } : {}),
    };
    Object.assign(process.env, resolved);
    const config = loadConfig(process.env);
    const devEnv = { [DEV_PID_VARIABLE]: String(process.pid), ...resolved, PORT: String(config.PORT) };
    writeFileSync(
      envFile,
      Object.entries(devEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
    wroteEnvFile = true;

    const stores = await openStores(config.DATABASE_URL!, config);
    stops.push(() => stores.db.end());
    const worker = await startWorker(config, { stores });
    stops.push(() => worker.shutdown());
    const web = await startWeb(config, { stores, host: '127.0.0.1' });
    stops.push(() => web.close());

    // The secrets stay in their file (0600): a banner ends up in terminal scrollback, screenshots and CI logs.
    const secretsFile = path.relative(process.cwd(), path.join(dir, 'secrets.env'));
    const adminUser = config.ADMIN_CREDENTIALS!.split(':')[0];
    const given = (k: string) => (k in resolved ? `in ${secretsFile}` : 'your own, from the environment');
    say(`
docnotify is running (started in ${((Date.now() - t0) / 1000).toFixed(1)}s)
  HTTP API      ${web.url}/api/v1   (Authorization: Bearer <API_TOKEN ${given('API_TOKEN')}>)
  Admin page    ${web.url}/admin    (user ${adminUser}; password: ADMIN_CREDENTIALS ${given('ADMIN_CREDENTIALS')})
  Temporal UI   ${config.TEMPORAL_UI_URL}
  Inbox         ${services.inboxUrl ?? '(SMTP_URL given: see your SMTP server)'}
  PostgreSQL    ${config.DATABASE_URL}
Try it:  ${env.DOCNOTIFY_DEV_DIR ? `DOCNOTIFY_DEV_DIR=${dir} ` : ''}./bin/docnotify event INV-1 exported --assignee a@example.com
The URLs are in ${path.relative(process.cwd(), envFile)}: CLI commands in another terminal use them. Ctrl-C stops everything.`);
    await worker.done;
  } catch (e) {
    say(`docnotify dev failed: ${(e as Error).message}`);
    await stopAll(1);
  }
}
