/**
 * Issue 11, point 6: `docnotify worker` (the real CLI, its own process) serves /healthz — Temporal connected, every
 * worker polling, PostgreSQL and SMTP answering — and /metrics with docnotify's metrics and the SDK's own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { eventually, testConfig } from '../helpers/env';

const BIN = path.resolve(__dirname, '../../bin/docnotify');
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))),
  );
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function startWorkerProcess(extra: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const config = testConfig();
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DOCNOTIFY_NO_DEV_ENV: '1',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    DATABASE_URL: config.DATABASE_URL!,
    SMTP_URL: config.SMTP_URL!,
    TASK_QUEUE: config.TASK_QUEUE,
    METRICS_PORT: String(port),
    ...extra,
  };
  const child = spawn(BIN, ['worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { url: `http://127.0.0.1:${port}`, output: () => out };
}

test("a healthy worker: /healthz 200 with every check ok; /metrics has docnotify's and the SDK's metrics", async () => {
  const w = await startWorkerProcess({});
  const health = await eventually(
    async () => {
      const r = await fetch(`${w.url}/healthz`).catch(() => undefined);
      return r?.status === 200 ? ((await r.json()) as { ok: boolean; checks: Record<string, string> }) : undefined;
    },
    `the worker healthy (output: ${w.output().slice(-500)})`,
    60_000,
    500,
  );
  expect(health).toEqual({ ok: true, checks: { temporal: 'ok', polling: 'ok', database: 'ok', smtp: 'ok' } });
  const metrics = await (await fetch(`${w.url}/metrics`)).text();
  expect(metrics).toMatch(/^# HELP docnotify_emails_total/m);
  expect(metrics).toMatch(/^process_resident_memory_bytes /m);
  expect(metrics).toMatch(/^temporal_[a-z_]+(\{[^}]*\})? \d/m); // the SDK's own (core) metrics
}, 90_000);

test('an unreachable SMTP server makes /healthz answer 503 and name it', async () => {
  const closed = await freePort();
  const w = await startWorkerProcess({ SMTP_URL: `smtp://127.0.0.1:${closed}` });
  const health = await eventually(
    async () => {
      const r = await fetch(`${w.url}/healthz`).catch(() => undefined);
      return r?.status === 503 ? ((await r.json()) as { ok: boolean; checks: Record<string, string> }) : undefined;
    },
    `the worker answering 503 (output: ${w.output().slice(-500)})`,
    60_000,
    500,
  );
  expect(health.ok).toBe(false);
  expect(health.checks).toMatchObject({ temporal: 'ok', polling: 'ok', database: 'ok' });
  expect(health.checks.smtp).toMatch(/ECONNREFUSED|connect/i);
}, 90_000);
