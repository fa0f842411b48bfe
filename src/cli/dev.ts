import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { loadConfig } from '../config';
import { startLocalServices, type LocalServices } from '../dev/services';
import { DEV_DIR, DEV_ENV_FILE } from './env';
import { openStores } from '../store';
import { startWeb } from '../web/start';
import { startWorker } from '../worker';

const SECRETS_FILE = path.join(DEV_DIR, 'secrets.env');

/** Local secrets, made once and kept in .docnotify/ (never used in production: set the variables there). */
function devSecrets(): Record<string, string> {
  const existing = existsSync(SECRETS_FILE) ? dotenv.parse(readFileSync(SECRETS_FILE)) : {};
  const secrets = {
    API_TOKEN: existing.API_TOKEN ?? randomBytes(24).toString('base64url'),
    ACTION_LINK_SECRET: existing.ACTION_LINK_SECRET ?? randomBytes(32).toString('base64url'),
    ADMIN_CREDENTIALS: existing.ADMIN_CREDENTIALS ?? `admin:${randomBytes(9).toString('base64url')}`,
  };
  writeFileSync(SECRETS_FILE, Object.entries(secrets).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  return secrets;
}

/**
 * `docnotify dev` (what `npm start` runs): starts a local Temporal dev server, PostgreSQL and SMTP catcher for each
 * of TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL that is not set, then the worker and the HTTP server. Ctrl-C stops all.
 */
export async function runDev(): Promise<void> {
  const t0 = Date.now();
  mkdirSync(DEV_DIR, { recursive: true });
  process.env.DOCNOTIFY_NO_DEV_ENV = '1';
  const say = (line: string) => process.stdout.write(`${line}\n`);
  let services: LocalServices | undefined;
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('\nstopping docnotify dev ...');
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => say(`  (while stopping: ${(e as Error).message})`));
    await services?.stop();
    say('stopped.');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    const env = process.env;
    services = await startLocalServices({
      dataDir: DEV_DIR,
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
    writeFileSync(DEV_ENV_FILE, Object.entries({ ...resolved, PORT: String(config.PORT) }).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });

    const stores = await openStores(config.DATABASE_URL!, config);
    stops.push(() => stores.db.end());
    const worker = await startWorker(config, { stores });
    stops.push(() => worker.shutdown());
    const web = await startWeb(config, { stores, host: '127.0.0.1' });
    stops.push(() => web.close());

    const [adminUser, adminPass] = config.ADMIN_CREDENTIALS!.split(/:(.*)/s);
    say(`
docnotify is running (started in ${((Date.now() - t0) / 1000).toFixed(1)}s)
  HTTP API      ${web.url}/api/v1   (Authorization: Bearer ${config.API_TOKEN})
  Admin page    ${web.url}/admin    (${adminUser} / ${adminPass})
  Temporal UI   ${config.TEMPORAL_UI_URL}
  Inbox         ${services.inboxUrl ?? '(SMTP_URL given: see your SMTP server)'}
  PostgreSQL    ${config.DATABASE_URL}
Try it:  ./bin/docnotify event INV-1 exported --assignee a@example.com
The URLs are in ${path.relative(process.cwd(), DEV_ENV_FILE)}: CLI commands in another terminal use them. Ctrl-C stops everything.`);
    await worker.done;
  } catch (e) {
    say(`docnotify dev failed: ${(e as Error).message}`);
    await stopAll(1);
  }
}
