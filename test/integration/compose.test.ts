/**
 * docker-compose.yml, its job scripts and the Dockerfile, checked without a Docker engine: the file is rendered by
 * the real Docker Compose v2 (`docker compose config`, built by scripts/install-tools.sh) and its settings compared
 * with the ones the local cluster tier uses (src/dev/cluster-settings.ts, SEARCH_ATTRIBUTES). The jobs' shell
 * scripts run against stub `temporal` / `temporal-sql-tool` commands, which record their calls and fail on demand.
 * Needs no services.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLUSTER_SETTINGS } from '../../src/dev/cluster-settings';
import { SEARCH_ATTRIBUTES } from '../../src/dev/services';

const ROOT = path.resolve(__dirname, '../..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const SCRIPTS = path.join(ROOT, 'scripts/compose');
const CACHE = process.env.DOCNOTIFY_CACHE || path.join(os.homedir(), '.cache/docnotify');
const COMPOSE = path.join(CACHE, 'bin/docker-compose');

/** What a user must set (scripts/compose/make-env.sh writes these). */
const REQUIRED = {
  POSTGRES_PASSWORD: 'pg-secret-0123456789abcdef',
  API_TOKEN: 'api-token-0123456789abcdef',
  ACTION_LINK_SECRET: 'k1:0123456789abcdef0123456789abcdef01234567',
  ADMIN_CREDENTIALS: 'admin:admin-password-123',
  SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
} as const;

interface Healthcheck {
  test?: string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  build?: unknown;
  profiles?: string[];
  environment?: Record<string, string>;
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  ports?: { host_ip?: string; published?: string; target: number }[];
  entrypoint?: string[];
  command?: string[];
  user?: string;
}
interface Project {
  services: Record<string, Service>;
}

let tmp: string;
let emptyEnvFile: string;

beforeAll(() => {
  if (!fs.existsSync(COMPOSE)) {
    throw new Error(
      `Docker Compose is not installed at ${COMPOSE}: run \`bash scripts/install-tools.sh\` (it builds it from the Go module proxy)`,
    );
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-compose-'));
  emptyEnvFile = path.join(tmp, 'empty.env');
  fs.writeFileSync(emptyEnvFile, '');
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/**
 * `docker compose config` in a clean environment (only PATH and HOME from ours, then `vars`), with an env file
 * (default: an empty one, so no `.env` or `compose.env` of the checkout leaks in).
 */
function composeConfig(vars: Record<string, string>, opts: { profile?: string; envFile?: string } = {}) {
  const args = [
    '--env-file',
    opts.envFile ?? emptyEnvFile,
    '-f',
    COMPOSE_FILE,
    ...(opts.profile ? ['--profile', opts.profile] : []),
    'config',
    '--format',
    'json',
  ];
  const r = spawnSync(COMPOSE, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp, ...vars },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(vars: Record<string, string> = REQUIRED, opts: { profile?: string; envFile?: string } = {}): Project {
  const r = composeConfig(vars, opts);
  if (r.status !== 0) throw new Error(`docker compose config failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Project;
}

/** The URL a docnotify healthcheck fetches (`node /app/healthcheck.mjs URL`). */
function healthUrl(service: Service): URL {
  const url = service.healthcheck?.test?.find((arg) => arg.startsWith('http'));
  if (!url) throw new Error(`no URL in healthcheck ${JSON.stringify(service.healthcheck)}`);
  return new URL(url);
}

describe('docker compose config', () => {
  test('the built binary is Docker Compose v2', () => {
    expect(execFileSync(COMPOSE, ['version', '--short'], { encoding: 'utf8' }).trim()).toMatch(/^2\.\d+\.\d+$/);
  });

  test('with the required variables the file is valid, and Mailpit is not part of it without --profile dev', () => {
    const { services } = project();
    expect(Object.keys(services).sort()).toEqual([
      'postgres',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'web',
      'worker',
    ]);
    expect(services.worker.environment?.SMTP_URL).toBe(REQUIRED.SMTP_URL);
    expect(services.web.environment?.SMTP_URL).toBe(REQUIRED.SMTP_URL);
  });

  test('--profile dev adds Mailpit (and only with that profile); the worker then waits for it', () => {
    const { services } = project({ ...REQUIRED, SMTP_URL: 'smtp://mailpit:1025' }, { profile: 'dev' });
    expect(services.mailpit).toBeDefined();
    expect(services.mailpit.profiles).toEqual(['dev']);
    expect(services.mailpit.healthcheck?.test).toBeDefined();
    expect(services.worker.depends_on?.mailpit).toEqual({ condition: 'service_healthy', required: false });
    // Every other service runs in both modes.
    const profiled = Object.entries(services)
      .filter(([, s]) => s.profiles?.length)
      .map(([name]) => name);
    expect(profiled).toEqual(['mailpit']);
  });

  test.each(Object.keys(REQUIRED))('without %s it fails, naming the variable', (name) => {
    const vars: Record<string, string> = { ...REQUIRED };
    delete vars[name];
    const r = composeConfig(vars);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`required variable ${name} is missing a value`);
  });

  test('the secrets come only from the variables (no default secret that silently works)', () => {
    const { services } = project();
    for (const name of ['worker', 'web']) {
      const env = services[name].environment ?? {};
      expect(env.API_TOKEN).toBe(REQUIRED.API_TOKEN);
      expect(env.ACTION_LINK_SECRET).toBe(REQUIRED.ACTION_LINK_SECRET);
      expect(env.ADMIN_CREDENTIALS).toBe(REQUIRED.ADMIN_CREDENTIALS);
      expect(env.DATABASE_URL).toBe(`postgres://docnotify:${REQUIRED.POSTGRES_PASSWORD}@postgres:5432/docnotify`);
    }
    expect(services.postgres.environment?.POSTGRES_PASSWORD).toBe(REQUIRED.POSTGRES_PASSWORD);
    expect(services.temporal.environment?.POSTGRES_PWD).toBe(REQUIRED.POSTGRES_PASSWORD);
    expect(services['temporal-schema'].environment?.SQL_PASSWORD).toBe(REQUIRED.POSTGRES_PASSWORD);
    expect(fs.readFileSync(COMPOSE_FILE, 'utf8')).not.toMatch(/change-?me/i);
  });

  test('healthchecks: PostgreSQL, Temporal, the worker (/healthz on METRICS_PORT) and the web server (/healthz on PORT)', () => {
    const { services } = project();
    for (const name of ['postgres', 'temporal', 'worker', 'web']) {
      expect(services[name].healthcheck?.disable).not.toBe(true);
      expect(services[name].healthcheck?.test?.length).toBeGreaterThan(1);
    }
    expect(services.postgres.healthcheck?.test?.join(' ')).toContain('pg_isready');
    const worker = healthUrl(services.worker);
    expect(worker.pathname).toBe('/healthz');
    expect(worker.port).toBe(services.worker.environment?.METRICS_PORT);
    const web = healthUrl(services.web);
    expect(web.pathname).toBe('/healthz');
    expect(web.port).toBe(services.web.environment?.PORT);
  });

  test('start order: schema job, then the server, then the namespace job, then worker and web', () => {
    const { services } = project();
    expect(services['temporal-schema'].depends_on?.postgres.condition).toBe('service_healthy');
    expect(services.temporal.depends_on?.['temporal-schema'].condition).toBe('service_completed_successfully');
    expect(services['temporal-namespace'].depends_on?.temporal.condition).toBe('service_healthy');
    for (const name of ['worker', 'web']) {
      expect(services[name].depends_on?.['temporal-namespace'].condition).toBe('service_completed_successfully');
      expect(services[name].depends_on?.postgres.condition).toBe('service_healthy');
    }
  });

  test('images: temporalio/server at CLUSTER_SETTINGS.temporalVersion, admin-tools of the same release, nothing deprecated or floating', () => {
    const { services } = project({ ...REQUIRED, SMTP_URL: 'smtp://mailpit:1025' }, { profile: 'dev' });
    expect(services.temporal.image).toBe(`temporalio/server:${CLUSTER_SETTINGS.temporalVersion}`);
    for (const job of ['temporal-schema', 'temporal-namespace']) {
      expect(services[job].image).toMatch(
        new RegExp(`^temporalio/admin-tools:${CLUSTER_SETTINGS.temporalVersion.replace(/\./g, '\\.')}(-|$)`),
      );
    }
    expect(services.worker.build).toBeDefined(); // docnotify itself is built from the Dockerfile
    expect(services.web.image).toBe(services.worker.image);
    for (const [name, service] of Object.entries(services).filter(([, s]) => !s.build)) {
      expect([name, service.image]).not.toEqual([name, expect.stringMatching(/auto-setup|:latest$/)]);
      // Exact versions only: v1.33.1, 1.29.1-tctl-1.18.4-cli-1.5.0, 16.11 (PostgreSQL's major.minor is exact).
      expect([name, service.image]).toEqual([name, expect.stringMatching(/:v?\d+\.\d+(\.\d+)?(-[\w.-]+)?$/)]);
    }
  });

  test('the history shard count and the namespace are CLUSTER_SETTINGS', () => {
    const { services } = project();
    expect(Number(services.temporal.environment?.NUM_HISTORY_SHARDS)).toBe(CLUSTER_SETTINGS.historyShards);
    expect(services['temporal-namespace'].environment?.DOCNOTIFY_NAMESPACE).toBe(CLUSTER_SETTINGS.namespace);
    expect(services.worker.environment?.TEMPORAL_NAMESPACE).toBe(CLUSTER_SETTINGS.namespace);
    expect(services.web.environment?.TEMPORAL_NAMESPACE).toBe(CLUSTER_SETTINGS.namespace);
  });

  test('retention is 30 days (CLUSTER_SETTINGS.retentionDays) by default and follows DOCNOTIFY_RETENTION_DAYS', () => {
    expect(CLUSTER_SETTINGS.retentionDays).toBe(30);
    expect(project().services['temporal-namespace'].environment?.DOCNOTIFY_RETENTION_DAYS).toBe(
      String(CLUSTER_SETTINGS.retentionDays),
    );
    expect(
      project({ ...REQUIRED, DOCNOTIFY_RETENTION_DAYS: '7' }).services['temporal-namespace'].environment
        ?.DOCNOTIFY_RETENTION_DAYS,
    ).toBe('7');
  });

  test('the search attributes registered are SEARCH_ATTRIBUTES', () => {
    const list = project().services['temporal-namespace'].environment?.DOCNOTIFY_SEARCH_ATTRIBUTES ?? '';
    const registered = Object.fromEntries(
      list
        .trim()
        .split(/\s+/)
        .map((pair) => pair.split('=')),
    );
    expect(registered).toEqual(SEARCH_ATTRIBUTES);
  });

  test('published ports listen on 127.0.0.1 only', () => {
    const { services } = project({ ...REQUIRED, SMTP_URL: 'smtp://mailpit:1025' }, { profile: 'dev' });
    const published = Object.values(services).flatMap((s) => s.ports ?? []);
    expect(published.map((p) => p.target).sort((a, b) => a - b)).toEqual([3000, 7233, 8025, 8080]);
    for (const port of published) expect(port.host_ip).toBe('127.0.0.1');
    expect(project({ ...REQUIRED, DOCNOTIFY_WEB_PORT: '3999' }).services.web.ports?.[0].published).toBe('3999');
  });

  test('no `|| true`: the jobs run their scripts under `set -eu`', () => {
    const { services } = project();
    const text = [
      fs.readFileSync(COMPOSE_FILE, 'utf8'),
      ...['temporal-schema.sh', 'temporal-namespace.sh'].map((f) => fs.readFileSync(path.join(SCRIPTS, f), 'utf8')),
    ].join('\n');
    const code = text
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n'); // comments may say "no || true"
    expect(code).not.toMatch(/\|\|\s*true/);
    for (const [job, script] of [
      ['temporal-schema', 'temporal-schema.sh'],
      ['temporal-namespace', 'temporal-namespace.sh'],
    ]) {
      expect(services[job].entrypoint).toEqual(['/bin/sh', `/docnotify/${script}`]);
      expect(fs.readFileSync(path.join(SCRIPTS, script), 'utf8')).toMatch(/^set -eu$/m);
    }
  });

  test('scripts/compose/make-env.sh writes a file the compose file accepts, in both modes', () => {
    for (const [mode, args] of [
      ['dev', ['--dev']],
      ['relay', ['--smtp', 'smtp://u:p@relay.example.com:587']],
    ] as const) {
      const file = path.join(tmp, `${mode}.env`);
      execFileSync('bash', [path.join(SCRIPTS, 'make-env.sh'), ...args, '--out', file], { stdio: 'pipe' });
      expect(fs.statSync(file).mode & 0o077).toBe(0);
      const { services } = project({}, { envFile: file, profile: mode === 'dev' ? 'dev' : undefined });
      expect(services.worker.environment?.API_TOKEN).toMatch(/^[0-9a-f]{64}$/);
      expect(services.worker.environment?.SMTP_URL).toBe(
        mode === 'dev' ? 'smtp://mailpit:1025' : 'smtp://u:p@relay.example.com:587',
      );
      expect(Boolean(services.mailpit)).toBe(mode === 'dev');
      // Never overwrites a file of secrets.
      const again = spawnSync('bash', [path.join(SCRIPTS, 'make-env.sh'), ...args, '--out', file], {
        encoding: 'utf8',
      });
      expect(again.status).toBe(2);
      expect(again.stderr).toContain('not overwriting');
    }
  });
});

/** Runs a job script with stub commands first on PATH; returns its exit status, output and the stub's recorded calls. */
function runJob(script: string, stubName: string, stub: string, env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(tmp, 'job-'));
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(path.join(dir, stubName), `#!/bin/sh\necho "$*" >> "${log}"\n${stub}\n`, { mode: 0o755 });
  const r = spawnSync('/bin/sh', [path.join(SCRIPTS, script)], {
    env: { PATH: `${dir}:/usr/bin:/bin`, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: r.status, out: `${r.stdout}${r.stderr}`, calls };
}

describe('temporal-namespace.sh (against a stub temporal CLI)', () => {
  // STUB_* choose what the stub answers: describe ok|missing, create ok|exists|error, sa ok|error, health ok|down.
  const stub = `case "$1 $2 $3" in
  "operator cluster health") [ "$STUB_HEALTH" = down ] && { echo "connection refused" >&2; exit 1; }; echo SERVING ;;
  "operator namespace describe") [ "$STUB_DESCRIBE" = ok ] || { echo "Namespace default is not found." >&2; exit 1; } ;;
  "operator namespace create") case $STUB_CREATE in ok) ;; exists) echo "Namespace already exists." >&2; exit 1 ;; *) echo "Request unauthorized." >&2; exit 1 ;; esac ;;
  "operator namespace update") ;;
  "operator search-attribute create") [ "$STUB_SA" = ok ] || { echo "search attribute DueAt already exists and has different type Keyword" >&2; exit 1; } ;;
  "workflow count --namespace") echo "Total: 0" ;;
  *) echo "stub: unexpected call: $*" >&2; exit 3 ;;
esac`;
  const list = Object.entries(SEARCH_ATTRIBUTES)
    .map(([n, t]) => `${n}=${t}`)
    .join(' ');
  const base = {
    DOCNOTIFY_SEARCH_ATTRIBUTES: list,
    DOCNOTIFY_WAIT_SECONDS: '2',
    DOCNOTIFY_POLL_SECONDS: '1',
    STUB_HEALTH: 'ok',
    STUB_DESCRIBE: 'missing',
    STUB_CREATE: 'ok',
    STUB_SA: 'ok',
  };
  const run = (env: Record<string, string>) => runJob('temporal-namespace.sh', 'temporal', stub, { ...base, ...env });

  test('a new cluster: creates the namespace with 30 days (720h) and registers every attribute with its type', () => {
    const r = run({});
    expect(r.status).toBe(0);
    expect(r.calls).toContain('operator namespace create --namespace default --retention 720h --address temporal:7233');
    const sa = r.calls.find((c) => c.startsWith('operator search-attribute create')) ?? '';
    const pairs = [...sa.matchAll(/--name (\S+) --type (\S+)/g)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(pairs)).toEqual(SEARCH_ATTRIBUTES);
    // It waits until a query over every attribute is accepted.
    const count = r.calls.find((c) => c.startsWith('workflow count')) ?? '';
    for (const name of Object.keys(SEARCH_ATTRIBUTES)) expect(count).toContain(name);
  });

  test('a re-run on an existing namespace sets the retention from DOCNOTIFY_RETENTION_DAYS and succeeds', () => {
    const r = run({ STUB_DESCRIBE: 'ok', DOCNOTIFY_RETENTION_DAYS: '7' });
    expect(r.status).toBe(0);
    expect(r.calls).toContain('operator namespace update --namespace default --retention 168h --address temporal:7233');
    expect(r.calls.some((c) => c.startsWith('operator namespace create'))).toBe(false);
  });

  test('"already exists" from create (another run won the race) is fine', () => {
    const r = run({ STUB_CREATE: 'exists' });
    expect(r.status).toBe(0);
    expect(r.calls.some((c) => c.startsWith('operator namespace update'))).toBe(true);
  });

  test('any other create error fails loudly, before the attributes', () => {
    const r = run({ STUB_CREATE: 'error' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('Request unauthorized.');
    expect(r.calls.some((c) => c.startsWith('operator search-attribute'))).toBe(false);
  });

  test('an attribute that exists with another type fails loudly', () => {
    const r = run({ STUB_SA: 'error' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('different type');
  });

  test('a server that never becomes healthy fails after DOCNOTIFY_WAIT_SECONDS', () => {
    const r = run({ STUB_HEALTH: 'down' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('not healthy after 2s');
  });

  test.each(['abc', '0', '-3', '4000'])('DOCNOTIFY_RETENTION_DAYS=%s is refused, naming the variable', (days) => {
    const r = run({ DOCNOTIFY_RETENTION_DAYS: days });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('DOCNOTIFY_RETENTION_DAYS must be a whole number of days');
    expect(r.calls).toEqual([]);
  });

  test('an attribute type the script does not know is refused before the server is touched', () => {
    const r = run({ DOCNOTIFY_SEARCH_ATTRIBUTES: 'DocumentId=Keyword Score=Float' });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("Score has type 'Float'");
    expect(r.calls).toEqual([]);
  });
});

describe('temporal-schema.sh (against a stub temporal-sql-tool)', () => {
  const schemaDir = () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'schema-'));
    for (const sub of ['temporal', 'visibility']) fs.mkdirSync(path.join(dir, sub, 'versioned'), { recursive: true });
    return dir;
  };
  const env = (dir: string) => ({
    TEMPORAL_SCHEMA_DIR: dir,
    SQL_HOST: 'postgres',
    SQL_USER: 'docnotify',
    SQL_PASSWORD: 'secret',
  });

  test('creates and migrates both databases, in order, with the password only in the environment', () => {
    const dir = schemaDir();
    const r = runJob(
      'temporal-schema.sh',
      'temporal-sql-tool',
      '[ "$SQL_PASSWORD" = secret ] && [ "$SQL_PLUGIN" = postgres12 ] || exit 9',
      env(dir),
    );
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([
      '--db temporal create',
      '--db temporal setup-schema -v 0.0',
      `--db temporal update-schema -d ${dir}/temporal/versioned`,
      '--db temporal_visibility create',
      '--db temporal_visibility setup-schema -v 0.0',
      `--db temporal_visibility update-schema -d ${dir}/visibility/versioned`,
    ]);
  });

  test('a failed step stops the job with a non-zero status', () => {
    const r = runJob(
      'temporal-schema.sh',
      'temporal-sql-tool',
      'case "$*" in *update-schema*) echo "schema update failed" >&2; exit 1 ;; esac',
      env(schemaDir()),
    );
    expect(r.status).not.toBe(0);
    expect(r.calls).toHaveLength(3);
  });

  test('without SQL_PASSWORD it fails, naming the variable', () => {
    const { SQL_PASSWORD: _unused, ...rest } = env(schemaDir());
    const r = runJob('temporal-schema.sh', 'temporal-sql-tool', '', rest);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain('SQL_PASSWORD');
    expect(r.calls).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = () => fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

  test('a maintained Node LTS (24), pinned exactly; production dependencies only; non-root; a HEALTHCHECK', () => {
    const text = dockerfile();
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-trixie-slim$/m);
    expect(text).not.toMatch(/node:20/);
    expect(text).toMatch(/npm ci --omit=dev/);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .*healthcheck\.mjs/m);
    expect(text).toMatch(/COPY --from=build .*\/app\/dist \.\/dist/);
    // The runtime stage's node_modules come from the --omit=dev stage, not from the build stage.
    expect(text).toMatch(/COPY --from=deps .*\/app\/node_modules/);
    expect(text).not.toMatch(/COPY --from=build .*node_modules/);
  });

  test(".dockerignore keeps secrets and the checkout's node_modules out of the build context", () => {
    const lines = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(lines[lines.findIndex((l) => !l.startsWith('#') && l.trim() !== '')]).toBe('*');
    expect(lines).toEqual(expect.arrayContaining(['**/.env', '**/*.env', '!src', '!scripts/compose/healthcheck.mjs']));
    expect(lines).not.toContain('!node_modules');
  });

  test('every package the runtime imports is a production dependency (what --omit=dev installs)', () => {
    const r = spawnSync(process.execPath, [path.join(SCRIPTS, 'check-runtime-deps.mjs'), 'src'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('@temporalio/worker');
  });

  test('the dependency check reports an import of a devDependency, with the file', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'dist-'));
    fs.writeFileSync(path.join(dir, 'a.js'), "const t = require('@temporalio/testing');\nconst z = require('zod');\n");
    fs.writeFileSync(path.join(dir, 'workflows.bundle.js'), "require('jest');\n"); // bundles are skipped
    const r = spawnSync(process.execPath, [path.join(SCRIPTS, 'check-runtime-deps.mjs'), dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('a.js: imports @temporalio/testing, a devDependency');
    expect(r.stderr).not.toContain('zod');
    expect(r.stderr).not.toContain('jest');
  });
});

describe('healthcheck.mjs', () => {
  let server: Server;
  let status = 200;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end('{"ok":true}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Asynchronous: the check talks to a server in this process.
  const check = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(SCRIPTS, 'healthcheck.mjs'), ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
  const closedPort = async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  };

  test('200 is healthy, 503 is not', async () => {
    status = 200;
    expect((await check([`${base}/healthz`])).code).toBe(0);
    status = 503;
    const r = await check([`${base}/healthz`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('HTTP 503');
  });

  test('without arguments it tries PORT, then METRICS_PORT (one HEALTHCHECK for both commands)', async () => {
    status = 200;
    const port = new URL(base).port;
    const r = await check([], { PORT: String(await closedPort()), METRICS_PORT: port });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`:${port}/healthz`);
    expect((await check([], { PORT: String(await closedPort()) })).code).toBe(1);
  });
});
