/**
 * Issue 12 (items 7, 8): `docnotify dev` as `npm start` runs it — the real CLI as a child process, each system with
 * its own data folder (DOCNOTIFY_DEV_DIR) and free ports (DOCNOTIFY_*_PORT, PORT), and none of the shared test
 * stack's services (TEMPORAL_ADDRESS, SMTP_URL, DATABASE_URL removed), so it starts its own Temporal, Mailpit and
 * PostgreSQL. The data of all three survives a Ctrl-C (SIGINT) and a SIGKILL of dev; two systems run side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import dotenv from 'dotenv';
import { DEV_PID_VARIABLE } from '../../src/cli/env';
import { configSchema } from '../../src/config';
import { commandLine } from '../../src/dev/processes';
import { DEV_PORT_ENV, findFreePorts, stopLeftovers } from '../../src/dev/services';
import { eventually, sleep, uid } from '../helpers/env';

const MAIN = path.resolve(__dirname, '../../src/cli/main.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;
const START_TIMEOUT_MS = 120_000;

interface System {
  dir: string;
  env: NodeJS.ProcessEnv;
  ports: { http: number; mailpit: number; pg: number };
}

interface Dev {
  child: ChildProcess;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const systems: System[] = [];
const children: ChildProcess[] = [];

/** `count` systems, each with a temp data folder and its own ports (all chosen together, so all differ). */
async function newSystems(count: number): Promise<System[]> {
  const ports = await findFreePorts(6 * count);
  return Array.from({ length: count }, (_, i) => {
    const [http, temporal, temporalUi, smtp, mailpit, pg] = ports.slice(6 * i, 6 * i + 6);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-dev-test-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of [...Object.keys(configSchema.shape), 'MAILPIT_URL', 'DOCNOTIFY_NO_DEV_ENV']) delete env[key];
    Object.assign(env, {
      DOCNOTIFY_DEV_DIR: dir,
      PORT: String(http),
      LOG_LEVEL: 'warn',
      [DEV_PORT_ENV.temporalPort]: String(temporal),
      [DEV_PORT_ENV.temporalUiPort]: String(temporalUi),
      [DEV_PORT_ENV.smtpPort]: String(smtp),
      [DEV_PORT_ENV.mailpitHttpPort]: String(mailpit),
      [DEV_PORT_ENV.pgPort]: String(pg),
    });
    const system = { dir, env, ports: { http, mailpit, pg } };
    systems.push(system);
    return system;
  });
}

/** Runs the real CLI (`node --import tsx src/cli/main.ts ...`) in the system's folder, so no `.env` of the checkout is read. */
function spawnCli(system: System, args: string[], extraEnv: Record<string, string> = {}): Dev {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: system.dir,
    env: { ...system.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exit };
}

async function cli(system: System, args: string[]): Promise<{ code: number | null; output: string }> {
  const run = spawnCli(system, args);
  const { code } = await run.exit;
  return { code, output: run.output() };
}

const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Starts `docnotify dev` and waits for "docnotify is running"; throws with its output when it exits first. */
async function startDev(system: System, extraEnv: Record<string, string> = {}): Promise<Dev> {
  const dev = spawnCli(system, ['dev'], extraEnv);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!dev.output().includes('docnotify is running')) {
    if (exited(dev.child))
      throw new Error(`docnotify dev exited during start (code ${dev.child.exitCode}):\n${dev.output()}`);
    if (Date.now() > deadline)
      throw new Error(`docnotify dev not running after ${START_TIMEOUT_MS / 1000}s:\n${dev.output()}`);
    await sleep(100);
  }
  return dev;
}

/** Ctrl-C: dev stops everything and exits 0. */
async function interrupt(dev: Dev): Promise<void> {
  dev.child.kill('SIGINT');
  const { code, signal } = await dev.exit;
  expect({ code, signal, stopped: dev.output().includes('stopped.') }).toEqual({
    code: 0,
    signal: null,
    stopped: true,
  });
}

async function api<T = unknown>(
  system: System,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const { API_TOKEN } = dotenv.parse(fs.readFileSync(path.join(system.dir, 'secrets.env')));
  const res = await fetch(`http://127.0.0.1:${system.ports.http}/api/v1${url}`, {
    method,
    headers: {
      authorization: `Bearer ${API_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Assigns and exports a document (the README's "Try it"), and waits for its email in the system's own Mailpit. */
async function exportDocument(system: System): Promise<{ doc: string; to: string }> {
  const doc = uid('INV');
  const to = `${uid('dev')}@example.com`;
  const sent = await api(system, 'POST', `/documents/${doc}/events`, [
    { type: 'assigned', assignee: to },
    { type: 'status_changed', status: 'exported' },
  ]);
  expect(sent.status).toBe(202);
  await eventually(async () => (await mailTo(system, to)).length > 0, `the email to ${to}`, 60_000);
  return { doc, to };
}

async function mailTo(system: System, to: string): Promise<string[]> {
  const res = await fetch(
    `http://127.0.0.1:${system.ports.mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}`,
  );
  return ((await res.json()) as { messages: { Subject: string }[] }).messages.map((m) => m.Subject);
}

/** The document's state (Temporal), its notification log (PostgreSQL) and its email (Mailpit). */
async function dataOf(system: System, doc: string, to: string): Promise<unknown> {
  const state = await api<{ status?: string; emailCount?: number }>(system, 'GET', `/documents/${doc}`);
  const log = await api<{ recipient: string; status: string }[]>(system, 'GET', `/log?document=${doc}`);
  return {
    state: { http: state.status, status: state.body.status, emailCount: state.body.emailCount },
    log: log.body.map((r) => ({ recipient: r.recipient, status: r.status })),
    mail: await mailTo(system, to),
  };
}

const expectedData = (doc: string, to: string) => ({
  state: { http: 200, status: 'exported', emailCount: 1 },
  log: [{ recipient: to, status: 'sent' }],
  mail: [`[invoice ${doc}] Processing completed`],
});

afterAll(async () => {
  for (const child of children.filter((c) => !exited(c))) {
    child.kill('SIGINT');
    await Promise.race([new Promise((resolve) => child.once('exit', resolve)), sleep(15_000)]);
    if (!exited(child)) child.kill('SIGKILL');
  }
  for (const system of systems) {
    await stopLeftovers(system.dir).catch((e: unknown) =>
      console.error(`cleaning up ${system.dir}: ${(e as Error).message}`),
    );
    fs.rmSync(system.dir, { recursive: true, force: true });
  }
});

test('Ctrl-C, then npm start again: it starts, with the same data; dev.env only while dev runs; the folder is private', async () => {
  const [system] = await newSystems(1);
  const envFile = path.join(system.dir, 'dev.env');
  fs.chmodSync(system.dir, 0o755); // as an older docnotify left .docnotify/
  const first = await startDev(system);
  expect(fs.statSync(system.dir).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o710 : 0o700);
  expect(dotenv.parse(fs.readFileSync(envFile))[DEV_PID_VARIABLE]).toBe(String(first.child.pid));
  const { doc, to } = await exportDocument(system);
  expect(await dataOf(system, doc, to)).toEqual(expectedData(doc, to));
  // Another CLI command finds the running system through dev.env (no DATABASE_URL in its environment).
  const log = await cli(system, ['log', '--document', doc, '--json']);
  expect(log.code).toBe(0);
  expect(JSON.parse(log.output)).toMatchObject([{ documentId: doc, recipient: to, status: 'sent' }]);

  await interrupt(first);
  expect(fs.existsSync(envFile)).toBe(false);

  const second = await startDev(system);
  expect(second.output()).not.toMatch(/docnotify dev failed|left running/);
  expect(await dataOf(system, doc, to)).toEqual(expectedData(doc, to));
  // The banner points at the secrets file and prints no secret.
  const secrets = dotenv.parse(fs.readFileSync(path.join(system.dir, 'secrets.env')));
  expect(fs.statSync(path.join(system.dir, 'secrets.env')).mode & 0o777).toBe(0o600);
  expect(second.output()).toMatch(/API_TOKEN in .*secrets\.env/);
  for (const k of ['API_TOKEN', 'ADMIN_CREDENTIALS', 'ACTION_LINK_SECRET'])
    expect(second.output()).not.toContain(secrets[k].split(':').pop()!);
  await interrupt(second);
}, 300_000);

test('SIGKILL of dev, then start again: the leftover services are stopped, and it comes back with the same data', async () => {
  const [system] = await newSystems(1);
  const first = await startDev(system);
  const { doc, to } = await exportDocument(system);
  const pids = JSON.parse(fs.readFileSync(path.join(system.dir, 'services.json'), 'utf8')) as {
    owner: number;
    temporal: number;
    mailpit: number;
  };
  const postmaster = Number(fs.readFileSync(path.join(system.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  expect(pids.owner).toBe(first.child.pid);

  first.child.kill('SIGKILL');
  expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
  // Its services live on as orphans, holding the ports and the data; its dev.env stays behind.
  const leftovers = { temporal: pids.temporal, mailpit: pids.mailpit, postgres: postmaster };
  const running = () =>
    Object.fromEntries(
      Object.entries(leftovers).map(([name, pid]) => [
        name,
        (commandLine(pid) ?? []).some((a) => a.includes(system.dir)),
      ]),
    );
  expect(running()).toEqual({ temporal: true, mailpit: true, postgres: true });
  expect(fs.existsSync(path.join(system.dir, 'dev.env'))).toBe(true);
  // The stale dev.env is ignored: without it the CLI has no database.
  const stale = await cli(system, ['log', '--document', doc]);
  expect({ code: stale.code, output: stale.output.trim() }).toEqual({
    code: 2,
    output: 'docnotify: invalid configuration:\n  DATABASE_URL: is required for this command',
  });

  const second = await startDev(system);
  for (const name of Object.keys(leftovers))
    expect(second.output()).toContain(
      `${name}: stopping pid ${leftovers[name as keyof typeof leftovers]}, left running on ${system.dir}`,
    );
  expect(running()).toEqual({ temporal: false, mailpit: false, postgres: false });
  expect(await dataOf(system, doc, to)).toEqual(expectedData(doc, to));
  await interrupt(second);
}, 300_000);

test('two systems side by side on their own folders and ports; a third on a taken port or a busy folder is refused, naming why', async () => {
  const [a, b] = await newSystems(2);
  const devA = await startDev(a);
  const devB = await startDev(b);
  const docA = await exportDocument(a);
  const docB = await exportDocument(b);
  expect(await dataOf(a, docA.doc, docA.to)).toEqual(expectedData(docA.doc, docA.to));
  expect(await dataOf(b, docB.doc, docB.to)).toEqual(expectedData(docB.doc, docB.to));
  // Each has only its own document and email.
  expect((await api(a, 'GET', `/documents/${docB.doc}`)).status).toBe(404);
  expect(await mailTo(b, docA.to)).toEqual([]);

  // Refused before anything starts: a taken PORT, a taken DOCNOTIFY_PG_PORT, a folder whose dev runs.
  const [c] = await newSystems(1);
  const refused = async (extraEnv: Record<string, string>): Promise<string> => {
    const run = spawnCli(c, ['dev'], extraEnv);
    expect((await run.exit).code).toBe(1);
    return (
      run
        .output()
        .split('\n')
        .find((l) => l.startsWith('docnotify dev failed')) ?? run.output()
    );
  };
  expect(await refused({ PORT: String(a.ports.http) })).toBe(
    `docnotify dev failed: Port ${a.ports.http} (HTTP) is already in use on 127.0.0.1. Stop what is using it, or set PORT to another port.`,
  );
  expect(await refused({ [DEV_PORT_ENV.pgPort]: String(a.ports.pg) })).toContain(
    `docnotify dev failed: Port ${a.ports.pg} (PostgreSQL) is already in use on 127.0.0.1. Stop what is using it, set DOCNOTIFY_PG_PORT to another port`,
  );
  expect(await refused({ DOCNOTIFY_DEV_DIR: b.dir })).toBe(
    `docnotify dev failed: docnotify dev is already running on ${b.dir} (pid ${devB.child.pid}). Stop it first, or run a second system beside it with its own DOCNOTIFY_DEV_DIR, PORT and DOCNOTIFY_*_PORT variables.`,
  );
  expect(await refused({ [DEV_PORT_ENV.smtpPort]: '70000' })).toBe(
    'docnotify dev failed: DOCNOTIFY_SMTP_PORT=70000 is not a TCP port (1-65535)',
  );

  // Both still answer.
  expect(await dataOf(a, docA.doc, docA.to)).toEqual(expectedData(docA.doc, docA.to));
  await interrupt(devA);
  await interrupt(devB);
}, 300_000);
