/**
 * The cluster tier: the real Temporal server (not the CLI's dev server) on PostgreSQL, with docnotify running as
 * several worker and web processes, all on this machine and on free ports (`npm run cluster`, docs/cluster.md):
 *
 *   npm run cluster [-- --env-out FILE] [--data-dir DIR] [--no-docnotify] [--workers N] [--webs N]
 *
 * 1. an embedded PostgreSQL and Mailpit, as `src/dev/services.ts` starts them for the dev stack;
 * 2. the databases `temporal` and `temporal_visibility`, created and migrated with Temporal's own schema tool and the
 *    schemas of the server's Go module (`schema/postgresql/v12/...`), plus docnotify's database;
 * 3. `temporal-server` (go.temporal.io/server v1.29.1, built by scripts/install-tools.sh) with the module's
 *    `config/development-postgres12.yaml` on free ports and CLUSTER_SETTINGS.historyShards history shards;
 * 4. namespace CLUSTER_SETTINGS.namespace (retention CLUSTER_SETTINGS.retentionDays days, DOCNOTIFY_RETENTION_DAYS
 *    overrides) and every SEARCH_ATTRIBUTES entry, registered with the Temporal CLI; a failing step stops the start;
 * 5. `bin/docnotify worker` × 2 (each with METRICS_PORT, waited on through /healthz) and `bin/docnotify serve` × 2
 *    (each on its own port). A docnotify process that exits while the cluster runs is started again after 1 s, as
 *    `restart: unless-stopped` does in docker-compose.yml. `--no-docnotify` leaves them out (the benchmark).
 *
 * FILE (written atomically once everything is ready, removed on exit) holds TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * DATABASE_URL, SMTP_URL, MAILPIT_URL, TASK_QUEUE, WEB_URLS and WORKER_PIDS (comma lists), WEB_PIDS,
 * WORKER_METRICS_URLS, API_TOKEN, ACTION_LINK_SECRET, ADMIN_CREDENTIALS, PUBLIC_BASE_URL, CLUSTER_DATA_DIR and
 * CLUSTER_START_SECONDS. Logs (and the server's config) go to DIR (default: a temp folder, removed on a clean exit).
 * The databases are throwaway (a fresh PostgreSQL each start). SIGINT/SIGTERM/SIGHUP stop everything and exit 0.
 *
 * Environment of the docnotify processes: this process's own, then the resolved addresses; API_TOKEN,
 * ACTION_LINK_SECRET, ADMIN_CREDENTIALS and PUBLIC_BASE_URL (the first web process) are made up when unset.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLUSTER_SETTINGS } from './cluster-settings';
import {
  findFreePortsIn,
  SEARCH_ATTRIBUTES,
  spawnLogged,
  startLocalServices,
  tail,
  terminate,
  toolCacheDir,
  toolPath,
  type LocalServices,
} from './services';

const HOST = '127.0.0.1';
const ROOT = path.resolve(__dirname, '..', '..');
const SERVER_ENV = 'docnotify-cluster';
const SERVER_READY_TIMEOUT_MS = 120_000;
const SEARCH_ATTRIBUTES_TIMEOUT_MS = 90_000;
const DOCNOTIFY_READY_TIMEOUT_MS = 180_000;
const RESTART_DELAY_MS = 1_000;
/** Connections: 4 Temporal services × (10 + 2), 4 docnotify processes × 10, the tests' and tools' own. */
const PG_MAX_CONNECTIONS = 300;

export interface ClusterOptions {
  /** Logs and the server's config folder. Created if missing. */
  dataDir: string;
  /** Start docnotify's worker and web processes. @default true */
  docnotify?: boolean;
  /** @default 2 */
  workers?: number;
  /** @default 2 */
  webs?: number;
  /** Progress lines. @default silent */
  log?: (line: string) => void;
}

export interface ClusterProcess {
  name: string;
  /** The current pid (changes when the process is restarted). */
  pid(): number | undefined;
  /** `http://127.0.0.1:<port>`: the web server, or the worker's METRICS_PORT (/healthz, /metrics). */
  url: string;
  /** Times it was started again after exiting. */
  restarts(): number;
}

export interface Cluster {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  smtpUrl: string;
  mailpitUrl: string;
  /** The environment docnotify processes run with (addresses, secrets, TASK_QUEUE, PUBLIC_BASE_URL). */
  docnotifyEnv: Record<string, string>;
  workers: ClusterProcess[];
  webs: ClusterProcess[];
  /** Seconds from the call until everything answered, and per phase. */
  timings: Record<string, number>;
  /** What FILE of `--env-out` holds. */
  envLines(): string[];
  /** Stops everything started (idempotent). */
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A cached tool of scripts/install-tools.sh that `toolPath` does not know. */
function clusterTool(name: 'temporal-server' | 'temporal-sql-tool'): string {
  const file = path.join(toolCacheDir(), 'bin', name);
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    throw new Error(
      `${name} is not installed (no executable ${file}): run scripts/install-tools.sh (it builds the Temporal server, ~6.5 min the first time)`,
    );
  }
  return file;
}

function run(
  command: string,
  args: string[],
  timeoutMs = 30_000,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        resolve({
          ok: !error,
          stdout: String(stdout),
          stderr: String(stderr).trim() || String(stdout).trim() || (error ? error.message : ''),
        });
      },
    );
  });
}

/** Runs a tool and throws with its own message when it fails. */
async function must(what: string, command: string, args: string[], timeoutMs?: number): Promise<string> {
  const r = await run(command, args, timeoutMs);
  if (!r.ok) throw new Error(`${what} failed: ${path.basename(command)} ${args.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

function findGo(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const g = path.join(dir, 'go');
    if (dir && fs.existsSync(g)) return g;
  }
  for (const g of ['/usr/local/go/bin/go', '/usr/lib/go/bin/go']) if (fs.existsSync(g)) return g;
  throw new Error('Go is needed to find the Temporal server module (schemas, config template); none found on PATH');
}

/** The folder of go.temporal.io/server@v<version> in the Go module cache (filled by the server's build). */
export async function serverModuleDir(version: string = CLUSTER_SETTINGS.temporalVersion): Promise<string> {
  const go = findGo();
  const modCache = (await must('go env GOMODCACHE', go, ['env', 'GOMODCACHE'])).trim();
  const dir = path.join(modCache, 'go.temporal.io', `server@v${version}`);
  if (fs.existsSync(path.join(dir, 'schema', 'postgresql', 'v12'))) return dir;
  const info = JSON.parse(
    await must('go mod download', go, ['mod', 'download', '-json', `go.temporal.io/server@v${version}`], 300_000),
  ) as { Dir?: string };
  if (!info.Dir) throw new Error(`go mod download go.temporal.io/server@v${version} named no folder`);
  return info.Dir;
}

/** Ports of the server's config; every one is replaced in the template. */
interface ServerPorts {
  frontend: number;
  frontendMembership: number;
  frontendHttp: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  pprof: number;
  metrics: number;
}

/**
 * The module's `config/development-postgres12.yaml` with this cluster's ports, PostgreSQL address and credentials,
 * history shards and dynamic config file. Each replaced text must be found exactly where expected, so a template
 * that changed in a new server version stops here instead of running with its default ports.
 */
export function serverConfig(
  template: string,
  o: {
    ports: ServerPorts;
    pg: { host: string; port: number; user: string; password: string };
    shards: number;
    dynamicConfig: string;
  },
): string {
  const p = o.ports;
  const edits: [RegExp, string, number][] = [
    [/numHistoryShards: \d+/g, `numHistoryShards: ${o.shards}`, 1],
    [/connectAddr: "127\.0\.0\.1:5432"/g, `connectAddr: "${o.pg.host}:${o.pg.port}"`, 2],
    [/user: "temporal"/g, `user: "${o.pg.user}"`, 2],
    [/password: "temporal"/g, `password: "${o.pg.password}"`, 2],
    // Fewer connections per service than the template's 20 (4 services share one small PostgreSQL here).
    [/maxConns: 20/g, 'maxConns: 10', 1],
    [/maxIdleConns: 20/g, 'maxIdleConns: 10', 1],
    [/port: 7936/g, `port: ${p.pprof}`, 1],
    [/listenAddress: "127\.0\.0\.1:8000"/g, `listenAddress: "${HOST}:${p.metrics}"`, 1],
    [/grpcPort: 7233/g, `grpcPort: ${p.frontend}`, 1],
    [/membershipPort: 6933/g, `membershipPort: ${p.frontendMembership}`, 1],
    [/httpPort: 7243/g, `httpPort: ${p.frontendHttp}`, 1],
    [/grpcPort: 7234/g, `grpcPort: ${p.history}`, 1],
    [/membershipPort: 6934/g, `membershipPort: ${p.historyMembership}`, 1],
    [/grpcPort: 7235/g, `grpcPort: ${p.matching}`, 1],
    [/membershipPort: 6935/g, `membershipPort: ${p.matchingMembership}`, 1],
    [/grpcPort: 7239/g, `grpcPort: ${p.worker}`, 1],
    [/membershipPort: 6939/g, `membershipPort: ${p.workerMembership}`, 1],
    [/rpcAddress: "localhost:7233"/g, `rpcAddress: "${HOST}:${p.frontend}"`, 1],
    [/filepath: "config\/dynamicconfig\/development-sql\.yaml"/g, `filepath: ${JSON.stringify(o.dynamicConfig)}`, 1],
  ];
  let out = template;
  for (const [pattern, replacement, count] of edits) {
    const found = out.match(pattern)?.length ?? 0;
    if (found !== count)
      throw new Error(
        `the server config template has ${found} × ${pattern.source} (expected ${count}): it changed; update serverConfig() in src/dev/cluster.ts`,
      );
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** Creates and migrates one of Temporal's databases with the schema tool (`create`, `setup-schema -v 0.0`, `update-schema`). */
async function setupDatabase(
  sqlTool: string,
  pg: { host: string; port: number; user: string; password: string },
  db: string,
  schemaDir: string,
): Promise<void> {
  const common = [
    '--plugin',
    'postgres12',
    '--ep',
    pg.host,
    '-p',
    String(pg.port),
    '-u',
    pg.user,
    '--pw',
    pg.password,
    '--db',
    db,
  ];
  await must(`creating database ${db}`, sqlTool, [...common, 'create']);
  await must(`setting up the schema of ${db}`, sqlTool, [...common, 'setup-schema', '-v', '0.0'], 120_000);
  await must(`updating the schema of ${db}`, sqlTool, [...common, 'update-schema', '-d', schemaDir], 300_000);
}

/** Retention in days: DOCNOTIFY_RETENTION_DAYS, else CLUSTER_SETTINGS.retentionDays. */
export function retentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DOCNOTIFY_RETENTION_DAYS;
  if (raw === undefined || raw === '') return CLUSTER_SETTINGS.retentionDays;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`DOCNOTIFY_RETENTION_DAYS=${raw} is not a whole number of days (1 or more)`);
  return days;
}

/** Namespace (created, or its retention set when it exists) and search attributes, then waits until they are usable. */
async function setupNamespace(
  temporal: string,
  address: string,
  namespace: string,
  days: number,
  log: (line: string) => void,
): Promise<void> {
  const conn = ['--address', address, '--command-timeout', '20s'];
  const retention = `${days * 24}h`;
  const created = await run(temporal, [
    'operator',
    'namespace',
    'create',
    ...conn,
    '--namespace',
    namespace,
    '--retention',
    retention,
  ]);
  if (!created.ok) {
    if (!/already exists|AlreadyExists/i.test(created.stderr)) {
      throw new Error(
        `temporal operator namespace create --namespace ${namespace} --retention ${retention} failed:\n${created.stderr}`,
      );
    }
    await must(`setting the retention of namespace ${namespace}`, temporal, [
      'operator',
      'namespace',
      'update',
      ...conn,
      '--namespace',
      namespace,
      '--retention',
      retention,
    ]);
  }
  // A new namespace reaches the frontend's namespace cache a few seconds later.
  const deadline = Date.now() + SEARCH_ATTRIBUTES_TIMEOUT_MS;
  for (;;) {
    const d = await run(temporal, [
      'operator',
      'namespace',
      'describe',
      ...conn,
      '--namespace',
      namespace,
      '--output',
      'json',
    ]);
    if (d.ok) break;
    if (Date.now() > deadline)
      throw new Error(`namespace ${namespace} not visible after ${SEARCH_ATTRIBUTES_TIMEOUT_MS / 1000}s:\n${d.stderr}`);
    await sleep(500);
  }
  log(`namespace ${namespace}: retention ${days} days`);

  const common = [...conn, '--namespace', namespace];
  const wanted = (type: string): string => `INDEXED_VALUE_TYPE_${type.toUpperCase()}`;
  const list = async (): Promise<Record<string, string>> => {
    const out = await must('temporal operator search-attribute list', temporal, [
      'operator',
      'search-attribute',
      'list',
      ...common,
      '--output',
      'json',
    ]);
    return (JSON.parse(out) as { customAttributes?: Record<string, string> }).customAttributes ?? {};
  };
  const existing = await list();
  const wrong = Object.entries(SEARCH_ATTRIBUTES).filter(
    ([name, type]) => existing[name] !== undefined && existing[name] !== wanted(type),
  );
  if (wrong.length)
    throw new Error(
      `search attributes with the wrong type: ${wrong.map(([n, t]) => `${n} is ${existing[n]}, expected ${t}`).join('; ')}`,
    );
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => existing[name] === undefined);
  for (const [name, type] of missing) {
    await must(`registering search attribute ${name} (${type})`, temporal, [
      'operator',
      'search-attribute',
      'create',
      ...common,
      '--name',
      name,
      '--type',
      type,
    ]);
  }
  // Registered is not yet usable everywhere: wait until the list shows them, a visibility query accepts every one,
  // and a workflow can start with all of them (the history service's cache), as docnotify's workflows do.
  const sample: Record<string, string> = {
    Keyword: '"cluster-probe"',
    Bool: 'false',
    Int: '0',
    Datetime: '"2030-01-01T00:00:00Z"',
  };
  const query = Object.entries(SEARCH_ATTRIBUTES)
    .map(
      ([name, type]) =>
        `${name} = ${type === 'Keyword' || type === 'Datetime' ? `'${JSON.parse(sample[type]) as string}'` : sample[type]}`,
    )
    .join(' AND ');
  const probeId = `cluster-probe-${randomBytes(4).toString('hex')}`;
  let last: string;
  for (;;) {
    const now = await list().catch((e: Error) => ({ error: e.message }) as Record<string, string>);
    const listed = Object.entries(SEARCH_ATTRIBUTES).every(([name, type]) => now[name] === wanted(type));
    if (listed) {
      const counted = await run(temporal, ['workflow', 'count', ...common, '--query', query]);
      if (counted.ok) {
        const started = await run(temporal, [
          'workflow',
          'start',
          ...common,
          '--task-queue',
          'docnotify-cluster-probe',
          '--type',
          'probe',
          '--workflow-id',
          probeId,
          ...Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => [
            '--search-attribute',
            `${name}=${sample[type]}`,
          ]),
        ]);
        if (started.ok) break;
        last = started.stderr;
      } else {
        last = counted.stderr;
      }
    } else {
      last = `listed: ${JSON.stringify(now)}`;
    }
    if (Date.now() > deadline)
      throw new Error(`search attributes not usable after ${SEARCH_ATTRIBUTES_TIMEOUT_MS / 1000}s: ${last}`);
    await sleep(1000);
  }
  await must('terminating the probe workflow', temporal, [
    'workflow',
    'terminate',
    ...common,
    '--workflow-id',
    probeId,
    '--reason',
    'search attribute probe',
  ]);
  await run(temporal, ['workflow', 'delete', ...common, '--workflow-id', probeId]);
  log(
    `search attributes: ${missing.length ? `registered ${missing.map(([n]) => n).join(', ')}` : 'all present'}; usable`,
  );
}

/** The server's JSON log, last lines, as `level msg (error)`: its stack traces would bury the cause. */
function serverLogTail(file: string, lines = 15): string {
  return tail(file, 400)
    .split('\n')
    .flatMap((line) => {
      try {
        const j = JSON.parse(line) as { level?: string; msg?: string; error?: string };
        return [`${j.level ?? '?'} ${j.msg ?? ''}${j.error ? ` (${j.error})` : ''}`.slice(0, 400)];
      } catch {
        return line.startsWith('===') || !line.trim() ? [] : [line.slice(0, 400)];
      }
    })
    .slice(-lines)
    .join('\n');
}

async function healthy(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3_000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/** A docnotify process (`bin/docnotify worker|serve`) that is started again when it exits, until stop(). */
class Supervised implements ClusterProcess {
  private child?: ChildProcess;
  private stopping = false;
  private count = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    readonly url: string,
    private readonly logFile: string,
    private readonly log: (line: string) => void,
  ) {}

  pid(): number | undefined {
    return this.child?.pid;
  }

  restarts(): number {
    return this.count;
  }

  start(): void {
    fs.appendFileSync(this.logFile, `\n=== ${new Date().toISOString()} bin/docnotify ${this.args.join(' ')}\n`);
    const fd = fs.openSync(this.logFile, 'a');
    try {
      this.child = spawn(path.join(ROOT, 'bin', 'docnotify'), this.args, {
        cwd: ROOT,
        env: this.env,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      fs.closeSync(fd);
    }
    const child = this.child;
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => {
      for (const w of this.waiters.splice(0)) w();
      if (this.stopping) return;
      this.count++;
      this.log(
        `${this.name} (pid ${child.pid}) exited (${signal ?? `code ${code}`}); starting it again in ${RESTART_DELAY_MS / 1000}s (restart ${this.count}; log ${this.logFile})`,
      );
      setTimeout(() => {
        if (this.stopping) return;
        this.start();
        this.log(`${this.name}: started again as pid ${this.child?.pid}`);
      }, RESTART_DELAY_MS);
    });
  }

  /** Waits until /healthz answers 200; throws with the log's tail when the process exits first or time runs out. */
  async ready(timeoutMs = DOCNOTIFY_READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const first = this.child;
    for (;;) {
      if (first && (first.exitCode !== null || first.signalCode !== null)) {
        throw new Error(
          `${this.name} exited during start (${first.exitCode ?? first.signalCode}). Log ${this.logFile}:\n${tail(this.logFile, 30)}`,
        );
      }
      if (await healthy(this.url)) return;
      if (Date.now() > deadline)
        throw new Error(
          `${this.name}: ${this.url}/healthz not 200 after ${timeoutMs / 1000}s. Log ${this.logFile}:\n${tail(this.logFile, 30)}`,
        );
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child) await terminate(this.child);
  }

  killNow(): void {
    this.stopping = true;
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
  }
}

/** Starts the cluster; resolves once every part answers. On failure everything already started is stopped. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const t0 = Date.now();
  const log = opts.log ?? ((): void => undefined);
  const since = (ms: number): number => Math.round((Date.now() - ms) / 100) / 10;
  const withDocnotify = opts.docnotify ?? true;
  const nWorkers = withDocnotify ? (opts.workers ?? 2) : 0;
  const nWebs = withDocnotify ? (opts.webs ?? 2) : 0;
  // Fail before starting anything: tools, settings.
  const server = clusterTool('temporal-server');
  const sqlTool = clusterTool('temporal-sql-tool');
  const temporal = toolPath('temporal');
  toolPath('mailpit');
  const days = retentionDays();
  const moduleDir = await serverModuleDir();
  const schema = path.join(moduleDir, 'schema', 'postgresql', 'v12');
  const template = fs.readFileSync(path.join(moduleDir, 'config', 'development-postgres12.yaml'), 'utf8');

  fs.mkdirSync(opts.dataDir, { recursive: true });
  // All chosen together (so all differ), below 32768: the membership ports must fit the server's smallint column.
  const [smtpPort, mailpitHttpPort, pgPort, ...rest] = await findFreePortsIn(3 + 7 + 4 + nWorkers + nWebs);
  const [frontend, frontendHttp, history, matching, worker, pprof, metrics] = rest.splice(0, 7);
  const [frontendMembership, historyMembership, matchingMembership, workerMembership] = rest.splice(0, 4);
  const ports: ServerPorts = {
    frontend,
    frontendMembership,
    frontendHttp,
    history,
    historyMembership,
    matching,
    matchingMembership,
    worker,
    workerMembership,
    pprof,
    metrics,
  };
  const workerPorts = rest.splice(0, nWorkers);
  const webPorts = rest.splice(0, nWebs);

  const stops: (() => Promise<void>)[] = [];
  const supervised: Supervised[] = [];
  let serverChild: ChildProcess | undefined;
  const onExit = (): void => {
    for (const s of supervised) s.killNow();
    if (serverChild && serverChild.exitCode === null) serverChild.kill('SIGTERM');
  };
  process.on('exit', onExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((e: Error) => log(`(while stopping: ${e.message})`));
      process.removeListener('exit', onExit);
    })();
    return stopping;
  };
  const timings: Record<string, number> = {};

  try {
    // 1. PostgreSQL and Mailpit
    let t = Date.now();
    const services: LocalServices = await startLocalServices({
      dataDir: opts.dataDir,
      persistent: false,
      smtpPort,
      mailpitHttpPort,
      pgPort,
      postgresFlags: ['-c', `max_connections=${PG_MAX_CONNECTIONS}`],
      start: { temporal: false, smtp: true, postgres: true },
      log,
    });
    stops.push(() => services.stop());
    timings.postgresAndMailpit = since(t);
    const dbUrl = new URL(services.databaseUrl!);
    const pg = {
      host: dbUrl.hostname,
      port: Number(dbUrl.port),
      user: decodeURIComponent(dbUrl.username),
      password: decodeURIComponent(dbUrl.password),
    };

    // 2. Temporal's databases
    t = Date.now();
    await Promise.all([
      setupDatabase(sqlTool, pg, 'temporal', path.join(schema, 'temporal', 'versioned')),
      setupDatabase(sqlTool, pg, 'temporal_visibility', path.join(schema, 'visibility', 'versioned')),
    ]);
    timings.schemas = since(t);
    log(`databases temporal and temporal_visibility: created and migrated in ${timings.schemas}s (schemas ${schema})`);

    // 3. The server
    t = Date.now();
    const configDir = path.join(opts.dataDir, 'config');
    fs.mkdirSync(path.join(configDir, 'dynamicconfig'), { recursive: true });
    const dynamicConfig = path.join(configDir, 'dynamicconfig', 'development-sql.yaml');
    fs.writeFileSync(
      dynamicConfig,
      fs
        .readFileSync(path.join(moduleDir, 'config', 'dynamicconfig', 'development-sql.yaml'), 'utf8')
        .replace('http://localhost:7243/', `http://${HOST}:${frontendHttp}/`),
    );
    fs.writeFileSync(
      path.join(configDir, `${SERVER_ENV}.yaml`),
      serverConfig(template, { ports, pg, shards: CLUSTER_SETTINGS.historyShards, dynamicConfig }),
    );
    const serverLog = path.join(opts.dataDir, 'temporal-server.log');
    // --config is relative to --root (the server joins the two).
    serverChild = spawnLogged(
      server,
      ['--root', opts.dataDir, '--config', 'config', '--env', SERVER_ENV, '--allow-no-auth', 'start'],
      serverLog,
    );
    const child = serverChild;
    stops.push(() => terminate(child));
    const address = `${HOST}:${frontend}`;
    const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `temporal-server exited during start (${child.exitCode ?? child.signalCode}). Log ${serverLog}, last lines:\n${serverLogTail(serverLog)}`,
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
          `temporal-server not healthy after ${SERVER_READY_TIMEOUT_MS / 1000}s at ${address} (last answer: ${health.stderr.split('\n')[0]}). Log ${serverLog}, last lines:\n${serverLogTail(serverLog)}`,
        );
      }
      await sleep(500);
    }
    timings.server = since(t);
    log(
      `temporal-server ${CLUSTER_SETTINGS.temporalVersion}: SERVING in ${timings.server}s at ${address} (${CLUSTER_SETTINGS.historyShards} history shards, PostgreSQL; log ${serverLog})`,
    );

    // 4. Namespace and search attributes
    t = Date.now();
    await setupNamespace(temporal, address, CLUSTER_SETTINGS.namespace, days, log);
    timings.namespace = since(t);

    // 5. docnotify
    t = Date.now();
    const webUrls = webPorts.map((p) => `http://${HOST}:${p}`);
    const env: Record<string, string> = {
      TASK_QUEUE: 'docnotify',
      API_TOKEN: randomBytes(24).toString('base64url'),
      ACTION_LINK_SECRET: `k1:${randomBytes(32).toString('base64url')}`,
      ADMIN_CREDENTIALS: `admin:${randomBytes(12).toString('base64url')}`,
      PUBLIC_BASE_URL: webUrls[0] ?? 'http://localhost:3000',
      ...Object.fromEntries(
        Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
      ),
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: CLUSTER_SETTINGS.namespace,
      DATABASE_URL: services.databaseUrl!,
      SMTP_URL: services.smtpUrl!,
      DOCNOTIFY_NO_DEV_ENV: '1',
    };
    for (const k of ['TEMPORAL_PROFILE', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'METRICS_PORT', 'PORT']) delete env[k];
    const workers = workerPorts.map(
      (port, i) =>
        new Supervised(
          `worker ${i + 1}`,
          ['worker'],
          { ...env, METRICS_PORT: String(port) },
          `http://${HOST}:${port}`,
          path.join(opts.dataDir, `worker-${i + 1}.log`),
          log,
        ),
    );
    const webs = webPorts.map(
      (port, i) =>
        new Supervised(
          `web ${i + 1}`,
          ['serve'],
          { ...env, PORT: String(port) },
          `http://${HOST}:${port}`,
          path.join(opts.dataDir, `web-${i + 1}.log`),
          log,
        ),
    );
    supervised.push(...workers, ...webs);
    // Stops run last first: docnotify (all together), then the server, then PostgreSQL and Mailpit.
    stops.push(async () => void (await Promise.all(supervised.map((p) => p.stop()))));
    for (const p of supervised) p.start();
    if (workers.length + webs.length > 0) {
      await Promise.all([...workers, ...webs].map((p) => p.ready()));
      timings.docnotify = since(t);
      log(
        `docnotify: ${workers.length} worker(s) ${workers.map((w) => `pid ${w.pid()} (${w.url})`).join(', ')}; ${webs.length} web process(es) ${webs.map((w) => `pid ${w.pid()} (${w.url})`).join(', ')}: healthy in ${timings.docnotify}s`,
      );
    }
    timings.total = since(t0);

    const cluster: Cluster = {
      temporalAddress: address,
      namespace: CLUSTER_SETTINGS.namespace,
      databaseUrl: services.databaseUrl!,
      smtpUrl: services.smtpUrl!,
      mailpitUrl: services.inboxUrl!,
      docnotifyEnv: Object.fromEntries(
        ['TASK_QUEUE', 'API_TOKEN', 'ACTION_LINK_SECRET', 'ADMIN_CREDENTIALS', 'PUBLIC_BASE_URL'].map((k) => [
          k,
          env[k],
        ]),
      ),
      workers,
      webs,
      timings,
      envLines: () => [
        `TEMPORAL_ADDRESS=${address}`,
        `TEMPORAL_NAMESPACE=${CLUSTER_SETTINGS.namespace}`,
        `DATABASE_URL=${services.databaseUrl}`,
        `SMTP_URL=${services.smtpUrl}`,
        `MAILPIT_URL=${services.inboxUrl}`,
        ...(withDocnotify
          ? [
              `TASK_QUEUE=${env.TASK_QUEUE}`,
              `WEB_URLS=${webs.map((w) => w.url).join(',')}`,
              `WEB_PIDS=${webs.map((w) => w.pid()).join(',')}`,
              `WORKER_PIDS=${workers.map((w) => w.pid()).join(',')}`,
              `WORKER_METRICS_URLS=${workers.map((w) => w.url).join(',')}`,
              `API_TOKEN=${env.API_TOKEN}`,
              `ACTION_LINK_SECRET=${env.ACTION_LINK_SECRET}`,
              `ADMIN_CREDENTIALS=${env.ADMIN_CREDENTIALS}`,
              `PUBLIC_BASE_URL=${env.PUBLIC_BASE_URL}`,
            ]
          : []),
        `CLUSTER_DATA_DIR=${opts.dataDir}`,
        `CLUSTER_START_SECONDS=${timings.total}`,
      ],
      stop,
    };
    return cluster;
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// npm run cluster

async function main(): Promise<number> {
  const t0 = Date.now();
  const say = (line: string): void =>
    void process.stdout.write(`[cluster +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args: args[0] === '--' ? args.slice(1) : args,
    options: {
      'env-out': { type: 'string' },
      'data-dir': { type: 'string' },
      'no-docnotify': { type: 'boolean', default: false },
      workers: { type: 'string' },
      webs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      'usage: npm run cluster [-- --env-out FILE] [--data-dir DIR] [--no-docnotify] [--workers N] [--webs N]\n',
    );
    return 0;
  }
  const count = (name: 'workers' | 'webs'): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 8)
      throw new Error(`--${name}: "${raw}" is not a whole number from 0 to 8`);
    return n;
  };
  const envFile = values['env-out'];
  const ownDataDir = !values['data-dir'];
  const dataDir = path.resolve(values['data-dir'] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-cluster-')));
  if (envFile) fs.rmSync(envFile, { force: true }); // never leave a stale file for a script that waits for it

  let cluster: Cluster | undefined;
  let stopping: Promise<number> | undefined;
  const shutdown = (signal: string): Promise<number> => {
    stopping ??= (async () => {
      say(`${signal}: stopping`);
      const s0 = Date.now();
      await cluster?.stop();
      if (envFile) fs.rmSync(envFile, { force: true });
      if (ownDataDir && cluster) fs.rmSync(dataDir, { recursive: true, force: true });
      say(`stopped in ${((Date.now() - s0) / 1000).toFixed(1)}s`);
      return 0;
    })();
    return stopping;
  };
  // Registered before starting, so a signal during the start also cleans up.
  const stopped = new Promise<number>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.on(signal, () => void shutdown(signal).then(resolve));
  });

  const docnotify = !values['no-docnotify'];
  say(
    `starting PostgreSQL, Mailpit, temporal-server ${CLUSTER_SETTINGS.temporalVersion}${docnotify ? `, ${count('workers') ?? 2} docnotify worker(s) and ${count('webs') ?? 2} web process(es)` : ''} (logs in ${dataDir})`,
  );
  try {
    cluster = await startCluster({ dataDir, docnotify, workers: count('workers'), webs: count('webs'), log: say });
  } catch (err) {
    process.stderr.write(`cluster: ${err instanceof Error ? err.message : String(err)}\n`);
    if (ownDataDir && fs.readdirSync(dataDir).length === 0) fs.rmSync(dataDir, { recursive: true, force: true });
    else process.stderr.write(`cluster: logs kept in ${dataDir}\n`);
    return 1;
  }
  if (stopping) {
    await cluster.stop();
    return stopping;
  }
  if (envFile) {
    const tmp = `${envFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${cluster.envLines().join('\n')}\n`, { mode: 0o600 });
    fs.renameSync(tmp, envFile);
  }
  const tm = cluster.timings;
  say(
    `ready in ${tm.total}s (build-free start: PostgreSQL + Mailpit ${tm.postgresAndMailpit}s, schemas ${tm.schemas}s, server ${tm.server}s, namespace + search attributes ${tm.namespace}s${tm.docnotify !== undefined ? `, docnotify ${tm.docnotify}s` : ''})${envFile ? `; wrote ${envFile}` : ''}`,
  );
  say(
    [
      `  Temporal   ${cluster.temporalAddress} (namespace ${cluster.namespace})`,
      `  PostgreSQL ${cluster.databaseUrl}`,
      `  Mailpit    ${cluster.mailpitUrl} (SMTP ${cluster.smtpUrl})`,
      ...cluster.webs.map(
        (w) => `  ${w.name.padEnd(10)} ${w.url}/api/v1 (Bearer ${cluster!.docnotifyEnv.API_TOKEN}), ${w.url}/admin`,
      ),
      ...cluster.workers.map((w) => `  ${w.name.padEnd(10)} pid ${w.pid()}, ${w.url}/healthz`),
      '  Ctrl-C stops everything.',
    ].join('\n'),
  );
  return stopped;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`cluster: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
