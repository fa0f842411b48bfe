/**
 * Email throughput: the real pipeline against raw nodemailer, both into the same SMTP catcher (Mailpit).
 *
 *   node --import tsx bench/email-throughput.ts [N] [emailsPerDocument]
 *
 * Needs a running stack: TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL and MAILPIT_URL in the environment, e.g.
 *   node --import tsx src/dev/stack.ts --env-out /tmp/bench.env &   # wait for /tmp/bench.env
 *   set -a; . /tmp/bench.env; set +a; node --import tsx bench/email-throughput.ts 300
 *
 * 1. pipeline: N emails through documents → workflow → activities → SMTP pool → catcher (a rule on status
 *    `exported` of a tenant of its own, `emailsPerDocument` fixed addresses, default 1). The worker runs in this
 *    process (as `docnotify worker` would). Timed from the first event to the Nth message at the catcher.
 * 2. raw: N emails (the same rendered HTML and text) with a pooled nodemailer transport of the same pool size,
 *    all handed over at once. Timed from the first sendMail to the Nth message at the catcher.
 * Prints both rates and pipeline/raw.
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { DocnotifyClient } from '../src/client';
import { loadConfig, type Config } from '../src/config';
import { openStores } from '../src/store';
import { startWorker } from '../src/worker';

const N = Math.max(1, Number(process.argv[2] ?? 300) || 300);
const PER_DOC = Math.max(1, Math.min(50, Number(process.argv[3] ?? 1) || 1));
const run = randomUUID().slice(0, 8);

function need(k: string): string {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set: start a stack (src/dev/stack.ts --env-out FILE) and load FILE into the environment`);
  return v;
}
const MAILPIT = need('MAILPIT_URL');

/** Messages at the catcher whose recipient contains `token`. */
async function countAt(token: string): Promise<number> {
  const res = await fetch(`${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:"${token}"`)}&limit=1`);
  if (!res.ok) throw new Error(`mailpit search: ${res.status}`);
  return ((await res.json()) as { messages_count: number }).messages_count;
}

/** Polls the catcher until `n` messages for `token` arrived, printing progress every 10 %; returns the arrival time. */
async function waitFor(label: string, token: string, n: number, t0: number): Promise<number> {
  let next = 1;
  let first = false;
  for (;;) {
    const got = await countAt(token);
    if (!first && got > 0) {
      first = true;
      console.log(`  ${label}: first email after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    while (next <= 10 && got >= Math.ceil((n * next) / 10)) {
      const s = (Date.now() - t0) / 1000;
      console.log(`  ${label}: ${String(next * 10).padStart(3)} % (${got}/${n}) after ${s.toFixed(1)} s`);
      next++;
    }
    if (got >= n) return Date.now();
    if (Date.now() - t0 > 30 * 60_000) throw new Error(`${label}: only ${got}/${n} after 30 minutes`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (i < items.length) await fn(items[i++]);
  }));
}

async function pipeline(config: Config): Promise<{ rate: number; seconds: number; html: string; text: string; subject: string }> {
  const stores = await openStores(config.DATABASE_URL!, config, { max: 10 });
  const worker = await startWorker(config, { stores });
  const client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TASK_QUEUE });
  try {
    const tenantId = `bench-${run}`;
    const token = `pipe-${run}`;
    const addresses = Array.from({ length: PER_DOC }, (_, i) => `${token}-${i + 1}@bench.example.com`);
    await stores.rules.create({ name: 'Bench', tenantId, trigger: { status: 'exported' }, delay: '0s', recipients: { assignee: false, addresses } });
    const documents = Array.from({ length: Math.ceil(N / PER_DOC) }, (_, i) => `BENCH-${run}-${i + 1}`);
    const total = documents.length * PER_DOC;
    console.log(`pipeline: ${total} emails (${documents.length} documents × ${PER_DOC}), pool ${config.SMTP_POOL_SIZE}, rate limit ${config.SMTP_RATE_PER_SECOND || 'none'}`);
    const t0 = Date.now();
    const arrived = waitFor('pipeline', token, total, t0);
    await pool(documents, 16, (documentId) => client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'exported' }));
    console.log(`  pipeline: ${documents.length} events sent in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = await arrived;
    const seconds = (t1 - t0) / 1000;
    const sample = (await stores.notifications.list({ tenantId, limit: 1 }))[0];
    const row = await stores.notifications.get(sample.key);
    return { rate: total / seconds, seconds, html: row?.html ?? '<p>bench</p>', text: row?.text ?? 'bench', subject: row?.subject ?? 'bench' };
  } finally {
    await client.close();
    await worker.shutdown();
    await stores.db.end();
  }
}

async function raw(config: Config, body: { html: string; text: string; subject: string }): Promise<{ rate: number; seconds: number }> {
  const url = new URL(config.SMTP_URL!);
  const transport = nodemailer.createTransport({
    pool: true, host: url.hostname, port: Number(url.port) || 587, secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    tls: { rejectUnauthorized: url.searchParams.get('tls') !== 'insecure' },
    maxConnections: config.SMTP_POOL_SIZE, maxMessages: 100,
  });
  try {
    const token = `raw-${run}`;
    const addresses = Array.from({ length: PER_DOC }, (_, i) => `${token}-${i + 1}@bench.example.com`);
    console.log(`raw nodemailer: ${N} emails, pool ${config.SMTP_POOL_SIZE}`);
    const t0 = Date.now();
    const arrived = waitFor('raw', token, N, t0);
    await Promise.all(Array.from({ length: N }, (_, i) => transport.sendMail({
      from: config.MAIL_FROM, to: addresses[i % PER_DOC], subject: body.subject, html: body.html, text: body.text,
      messageId: `<raw.${run}.${i}@bench.example.com>`, headers: { 'Auto-Submitted': 'auto-generated' },
    })));
    const t1 = await arrived;
    const seconds = (t1 - t0) / 1000;
    return { rate: N / seconds, seconds };
  } finally {
    transport.close();
  }
}

async function main(): Promise<void> {
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    ...process.env,
    TEMPORAL_ADDRESS: need('TEMPORAL_ADDRESS'), DATABASE_URL: need('DATABASE_URL'), SMTP_URL: need('SMTP_URL'),
    TASK_QUEUE: `bench-${run}`,
  });
  console.log(`email throughput, N=${N}, ${PER_DOC} email(s) per document, run ${run}`);
  const p = await pipeline(config);
  const r = await raw(config, p);
  console.log('');
  console.log(`pipeline: ${p.rate.toFixed(1)} emails/s (${p.seconds.toFixed(1)} s)`);
  console.log(`raw:      ${r.rate.toFixed(1)} emails/s (${r.seconds.toFixed(1)} s)`);
  console.log(`ratio pipeline/raw: ${(p.rate / r.rate).toFixed(2)}`);
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
