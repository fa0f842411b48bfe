/**
 * The chaos suite (issue 12, point 6): `npm run chaos [-- --documents N] [--quick] [--out FILE] [--keep]`.
 *
 * Starts its own real services on free ports — the Temporal CLI dev server on a persistent SQLite file, an embedded
 * PostgreSQL on a persistent data folder, and an SMTP server in this process (test/helpers/smtp-fault-server.ts)
 * that records every message it takes — then 2 docnotify worker processes and one web server process
 * (`docnotify serve`). It sends N documents through a reminder/escalation ladder plus a set of documents waiting
 * for a decision, and while they are in flight: SIGKILLs a worker three times (restarting it), makes the SMTP
 * server answer 421 to everything for a while, restarts the Temporal dev server on its database, restarts
 * PostgreSQL, and kills and restarts the web server while people click action links from their emails.
 * Then it checks, per planned email (by Message-ID, computed from the ledger key docnotify documents): received
 * exactly once, on time within the documented bound (docs/chaos.md), in the ledger as `sent`, and recorded by
 * its workflow; every click applied once or refused with a clear page. Prints the figures, writes them as JSON
 * (`--out`), exits 1 when a check fails. docs/chaos.md describes it all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DocnotifyClient } from '../../src/client';
import { loadConfig } from '../../src/config';
import { findFreePorts, startLocalServices, type LocalServices } from '../../src/dev/services';
import { messageIdFor } from '../../src/email/transport';
import { Keyring } from '../../src/links/token';
import { openStores, type Stores } from '../../src/store';
import type { DocumentView } from '../../src/workflows/types';
import { dropAfterData, reply, SmtpFaultServer } from '../helpers/smtp-fault-server';
import { clickLink, isClearRefusal, isDonePage, type ClickResult } from './clicks';
import { alive, kill, startWebProc, startWorkerProc, stop, type Proc } from './procs';

// ---------------------------------------------------------------------------------------------
// Options and profiles

interface Profile {
  name: 'quick' | 'full';
  documents: number;
  /** Documents waiting for a decision, clicked during the web server restart. */
  clickDocuments: number;
  /** The ladder documents are started evenly over this window. */
  intakeMs: number;
  intervalMs: number;
  reminders: number;
  escalationMs: number;
  smtpOutageMs: number;
  /** How long the Temporal dev server and PostgreSQL stay down when restarted (an upgrade, a host reboot). */
  downMs: number;
  /** When each fault starts, in ms after the first document was sent. */
  at: { kill1: number; smtp: number; kill2: number; temporal: number; kill3: number; postgres: number; clicks: number };
  /** The clicks are spread over this window; the web server is killed a third of the way in. */
  clickSpreadMs: number;
}

const PROFILES: Record<'quick' | 'full', Profile> = {
  quick: {
    name: 'quick',
    documents: 60,
    clickDocuments: 8,
    intakeMs: 5_000,
    intervalMs: 20_000,
    reminders: 2,
    escalationMs: 50_000,
    smtpOutageMs: 15_000,
    downMs: 3_000,
    at: {
      kill1: 8_000,
      smtp: 18_000,
      kill2: 26_000,
      temporal: 36_000,
      kill3: 45_000,
      postgres: 52_000,
      clicks: 60_000,
    },
    clickSpreadMs: 6_000,
  },
  full: {
    name: 'full',
    documents: 1000,
    clickDocuments: 50,
    intakeMs: 60_000,
    intervalMs: 90_000,
    reminders: 2,
    escalationMs: 225_000,
    smtpOutageMs: 60_000,
    downMs: 10_000,
    at: {
      kill1: 40_000,
      smtp: 95_000,
      kill2: 120_000,
      temporal: 175_000,
      kill3: 200_000,
      postgres: 235_000,
      clicks: 255_000,
    },
    clickSpreadMs: 20_000,
  },
};

/**
 * The documented lateness (docs/chaos.md, from docs/delivery.md): an email goes out within BASE_LATENESS_MS of its
 * instant, and each fault that starts while it is still pending may push it to the fault's start plus its recovery
 * time (below) plus BASE_LATENESS_MS.
 */
const BASE_LATENESS_MS = 15_000;
/**
 * Recovery after a worker is SIGKILLed (docs/delivery.md, "Lateness"): its sends are retried after their heartbeat
 * timeout (1 minute for a send held ahead, SEND_AHEAD; 20 s otherwise) plus the activity's current backoff (at most
 * 1 minute from workflow version 8), plus a workflow task timeout.
 */
const WORKER_KILL_RECOVERY_MS = 60_000 + 60_000 + 10_000;
/** After the Temporal dev server is back: workers' polls reconnect and the timers that fell due meanwhile fire. */
const TEMPORAL_RECOVERY_MS = 30_000;
/** After PostgreSQL is back: activities retry with doubling intervals (the next try within the downtime again). */
const POSTGRES_RECOVERY_MS = 10_000;

/** `--inject`: known faults the checks must catch (a run with them must fail), to show that they can. */
type Injection = 'duplicate' | 'loss';

function parseArgs(argv: string[]): { profile: Profile; out?: string; keep: boolean; inject: Injection[] } {
  let documents: number | undefined;
  const inject: Injection[] = [];
  let quick = false;
  let out: string | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--keep') keep = true;
    else if (a === '--documents') documents = Number(argv[++i]);
    else if (a === '--out') out = argv[++i];
    else if (a === '--inject') {
      for (const x of (argv[++i] ?? '').split(',')) {
        if (x !== 'duplicate' && x !== 'loss') {
          process.stderr.write('--inject takes duplicate,loss\n');
          process.exit(2);
        }
        inject.push(x);
      }
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: npm run chaos -- [--documents N] [--quick] [--out FILE.json] [--keep] [--inject duplicate,loss]\n',
      );
      process.exit(0);
    } else {
      process.stderr.write(`unknown option ${a}\n`);
      process.exit(2);
    }
  }
  if (documents !== undefined && (!Number.isInteger(documents) || documents < 1)) {
    process.stderr.write('--documents needs a positive integer\n');
    process.exit(2);
  }
  const base = PROFILES[quick ? 'quick' : 'full'];
  return { profile: { ...base, documents: documents ?? base.documents }, out, keep, inject };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const T_START = Date.now();
const stamp = () => `[${((Date.now() - T_START) / 1000).toFixed(1).padStart(6)}s]`;
const say = (line: string) => process.stdout.write(`${stamp()} ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** Tries `fn` until it succeeds (a fault may be under way), for at most `ms`. */
async function persist<T>(what: string, fn: () => Promise<T>, ms = 180_000): Promise<T> {
  const until = Date.now() + ms;
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > until) throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
      await sleep(Math.min(500 * 2 ** i, 5_000));
    }
  }
}

interface Fault {
  kind: 'worker_kill' | 'smtp_421' | 'temporal_restart' | 'postgres_restart' | 'web_restart';
  start: number;
  /** When the component was back (ready, healthy, answering). */
  end?: number;
  recovered: boolean;
  detail: string;
  /** worker_kill: when the SIGKILL was sent. */
  killedAt?: number;
}

/**
 * How long before a worker's SIGKILL the SMTP server may have taken a message whose ledger update the kill then cut
 * off (the server's `250` → docnotify's `UPDATE … 'sent'` is milliseconds, stretched by a loaded event loop).
 */
const CRASH_GAP_MS = 1_000;

/** How long after its start a fault may delay an email still pending when it began (see BASE_LATENESS_MS). */
function recoveryOf(f: Fault): number {
  const down = (f.end ?? f.start) - f.start;
  switch (f.kind) {
    case 'worker_kill':
      return down + WORKER_KILL_RECOVERY_MS;
    case 'smtp_421':
      return 2 * down + 4_000; // retries at 2, 6, 14, 30, 62 … s: the first one after the outage within its length again
    case 'temporal_restart':
      return down + TEMPORAL_RECOVERY_MS;
    case 'postgres_restart':
      return 2 * down + POSTGRES_RECOVERY_MS;
    case 'web_restart':
      return 0; // sends no email
  }
}

/** The latest an email planned at `planned` may go out: its base bound, pushed by every fault that began while it could still be pending. */
function deadlineFor(planned: number, faults: Fault[]): number {
  let deadline = planned + BASE_LATENESS_MS;
  for (const f of [...faults].sort((a, b) => a.start - b.start)) {
    if (f.kind !== 'web_restart' && f.start <= deadline)
      deadline = Math.max(deadline, f.start + recoveryOf(f) + BASE_LATENESS_MS);
  }
  return deadline;
}

// ---------------------------------------------------------------------------------------------
// The run

interface Expected {
  messageId: string;
  documentId: string;
  kind: 'first' | 'reminder' | 'escalation' | 'decision';
  seq: number;
  to: string;
  /** Offset of the planned instant from the status change (ladder emails). */
  offsetMs?: number;
}

const TENANT = 'chaos';
const DOMAIN = 'chaos.example';
const APPROVERS = 20;
const MANAGERS = 5;
const approverEmail = (i: number) => `approver-${i}@people.example`;
const managerEmail = (i: number) => `manager-${i}@people.example`;

async function main(): Promise<void> {
  const { profile: p, out, keep, inject } = parseArgs(process.argv.slice(2));
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-chaos-'));
  const logDir = path.join(runDir, 'logs');
  fs.mkdirSync(logDir);
  say(
    `chaos ${p.name}: ${p.documents} ladder documents (first email, ${p.reminders} reminders every ${p.intervalMs / 1000} s, escalation after ${p.escalationMs / 1000} s) + ${p.clickDocuments} documents to click; run folder ${runDir}`,
  );

  const [temporalPort, temporalUiPort, pgPort, webPort] = await findFreePorts(4);
  const temporalOpts = {
    dataDir: path.join(runDir, 'temporal'),
    persistent: true,
    temporalPort,
    temporalUiPort,
    start: { temporal: true, smtp: false, postgres: false },
    log: (l: string) => say(l),
  };
  const postgresOpts = {
    dataDir: path.join(runDir, 'postgres'),
    persistent: true,
    pgPort,
    start: { temporal: false, smtp: false, postgres: true },
    log: (l: string) => say(l),
  };

  let temporal: LocalServices | undefined;
  let postgres: LocalServices | undefined;
  let smtp: SmtpFaultServer | undefined;
  let stores: Stores | undefined;
  let client: DocnotifyClient | undefined;
  const workers: (Proc | undefined)[] = [undefined, undefined];
  let web: Proc | undefined;
  let failed = true;
  let exitCode: number | undefined;

  const cleanup = async (): Promise<void> => {
    await Promise.all([...workers, web].map((w) => (w ? stop(w) : undefined)));
    await client?.close().catch(() => undefined);
    await stores?.db.end().catch(() => undefined);
    await smtp?.close().catch(() => undefined);
    await temporal?.stop();
    await postgres?.stop();
    if (!keep && !failed) fs.rmSync(runDir, { recursive: true, force: true });
    else say(`logs and data kept in ${runDir}`);
  };
  let cleaning: Promise<void> | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say(`${signal}: stopping everything`);
      cleaning ??= cleanup();
      void cleaning.finally(() => process.exit(130));
    });
  }

  try {
    // --- services and processes -------------------------------------------------------------
    const bundle = path.join(runDir, 'workflows.bundle.js');
    const [t, pgs, s] = await Promise.all([
      startLocalServices(temporalOpts),
      startLocalServices(postgresOpts),
      SmtpFaultServer.start(),
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', path.resolve(__dirname, '../../src/workflow-bundle.ts'), bundle],
        { cwd: path.resolve(__dirname, '../..'), maxBuffer: 16 * 1024 * 1024 },
      ),
    ]);
    temporal = t;
    postgres = pgs;
    smtp = s;
    say(`SMTP server (in process) on ${smtp.url}; workflow bundle built`);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NO_COLOR: '1',
      DOCNOTIFY_NO_DEV_ENV: '1',
      TEMPORAL_ADDRESS: temporal.temporalAddress!,
      DATABASE_URL: postgres.databaseUrl!,
      SMTP_URL: smtp.url,
      TASK_QUEUE: 'chaos',
      API_TOKEN: 'chaos-token-0123456789abcdef',
      ACTION_LINK_SECRET: 'k1:chaos-secret-0123456789abcdef0123456789',
      MAIL_FROM: `docnotify <docnotify@${DOMAIN}>`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${webPort}`,
      PORT: String(webPort),
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'warn',
      DOCNOTIFY_CHAOS_BUNDLE: bundle,
    };
    const config = loadConfig(env);
    const keyring = Keyring.fromString(env.ACTION_LINK_SECRET);
    stores = await openStores(postgres.databaseUrl!, config, { max: 4 });
    client = await DocnotifyClient.connect({ address: temporal.temporalAddress, taskQueue: config.TASK_QUEUE });
    const workerGen = [0, 0];
    const startWorkerN = async (i: number): Promise<Proc> => {
      workerGen[i]++;
      const w = await startWorkerProc(`worker-${i + 1}`, env, logDir);
      workers[i] = w;
      return w;
    };
    const webDir = path.join(runDir, 'web');
    fs.mkdirSync(webDir);
    const [, , w] = await Promise.all([
      startWorkerN(0),
      startWorkerN(1),
      startWebProc('web', env, logDir, webDir, webPort),
    ]);
    web = w;
    say(
      `2 workers (pids ${workers.map((x) => x!.child.pid).join(', ')}) and the web server (pid ${web.child.pid}, port ${webPort}) ready`,
    );

    // A worker that exits on its own is a finding; the suite restarts it (as a supervisor would) and reports it.
    const unexpectedExits: string[] = [];
    let expectingExit = false;
    const watch = setInterval(() => {
      for (let i = 0; i < 2; i++) {
        const wk = workers[i];
        if (wk && !alive(wk.child) && !expectingExit) {
          unexpectedExits.push(`${wk.name} exited (${wk.child.exitCode ?? wk.child.signalCode}) at ${stamp()}`);
          say(
            `!! ${wk.name} exited on its own (${wk.child.exitCode ?? wk.child.signalCode}); restarting it — see ${wk.log}`,
          );
          workers[i] = undefined;
          void startWorkerN(i).catch((e: Error) => say(`!! restart of worker ${i + 1} failed: ${e.message}`));
        }
      }
    }, 1000);

    // --- tenant, people, rules -----------------------------------------------------------------
    await stores.tenants.put({ id: TENANT, locale: 'en', calendar: null, calendars: {}, adminEmails: [] } as never);
    for (let m = 0; m < MANAGERS; m++)
      await stores.directory.putUser(TENANT, {
        id: `manager-${m}`,
        email: managerEmail(m),
        name: `Manager ${m}`,
        locale: 'en',
      });
    for (let a = 0; a < APPROVERS; a++) {
      await stores.directory.putUser(TENANT, {
        id: `approver-${a}`,
        email: approverEmail(a),
        name: `Approver ${a}`,
        locale: 'en',
        managerId: `manager-${a % MANAGERS}`,
      });
    }
    const ladder = await stores.rules.create({
      tenantId: TENANT,
      name: 'Chaos ladder',
      documentType: 'invoice',
      trigger: { status: 'pending_approval' },
      delay: '0s',
      repeat: { interval: `${p.intervalMs / 1000}s`, maxCount: p.reminders },
      escalation: [{ after: `${p.escalationMs / 1000}s`, manager: true }],
    } as never);
    const approval = await stores.rules.create({
      tenantId: TENANT,
      name: 'Chaos approval',
      documentType: 'contract',
      trigger: { status: 'pending_approval' },
      delay: '0s',
      actions: ['approve', 'reject'],
      recipients: { assignee: true },
    } as never);

    // Known faults, for proving the checks: the server takes approver-1's next message but drops the connection before
    // its 250 (the RFC 1047 gap: docnotify sends it again, same Message-ID); approver-2's next one is refused for good.
    if (inject.includes('duplicate')) smtp.script(approverEmail(1), [dropAfterData]);
    if (inject.includes('loss')) smtp.script(approverEmail(2), [reply(550, '5.1.1 No such user here')]);
    if (inject.length) say(`INJECTED for the checks to catch: ${inject.join(', ')} (this run must FAIL)`);

    // --- documents ---------------------------------------------------------------------------
    const expected = new Map<string, Expected>();
    const key = (doc: string, tail: string, to: string) => messageIdFor(`${TENANT}/${doc}/${tail}/${to}`, DOMAIN);
    const ladderDocs = Array.from({ length: p.documents }, (_, i) => ({
      id: `INV-${String(i + 1).padStart(5, '0')}`,
      approver: i % APPROVERS,
    }));
    const clickDocs = Array.from({ length: p.clickDocuments }, (_, i) => ({
      id: `CTR-${String(i + 1).padStart(4, '0')}`,
      approver: i % APPROVERS,
    }));
    for (const d of ladderDocs) {
      const ev = `${d.id}-status`;
      const to = approverEmail(d.approver);
      const add = (e: Omit<Expected, 'documentId'>) => expected.set(e.messageId, { ...e, documentId: d.id });
      add({ messageId: key(d.id, `${ev}:${ladder.id}:first`, to), kind: 'first', seq: 0, to, offsetMs: 0 });
      for (let k = 1; k <= p.reminders; k++)
        add({
          messageId: key(d.id, `${ev}:${ladder.id}:reminder:${k}`, to),
          kind: 'reminder',
          seq: k,
          to,
          offsetMs: k * p.intervalMs,
        });
      const boss = managerEmail(d.approver % MANAGERS);
      add({
        messageId: key(d.id, `${ev}:${ladder.id}:escalation:1`, boss),
        kind: 'escalation',
        seq: 1,
        to: boss,
        offsetMs: p.escalationMs,
      });
    }
    for (const d of clickDocs) {
      const to = approverEmail(d.approver);
      expected.set(key(d.id, `${d.id}-status:${approval.id}:first`, to), {
        messageId: key(d.id, `${d.id}-status:${approval.id}:first`, to),
        documentId: d.id,
        kind: 'first',
        seq: 0,
        to,
        offsetMs: 0,
      });
    }

    const T0 = Date.now();
    const rel = (ms: number) => `${((ms - T0) / 1000).toFixed(1)}s`;
    const send = (doc: string, documentType: string, approver: number) =>
      persist(`events of ${doc}`, async () => {
        await client!.sendEvent({
          tenantId: TENANT,
          documentId: doc,
          documentType,
          type: 'assigned',
          assignee: `approver-${approver}`,
          eventId: `${doc}-assigned`,
        });
        await client!.sendEvent({
          tenantId: TENANT,
          documentId: doc,
          documentType,
          type: 'status_changed',
          status: 'pending_approval',
          eventId: `${doc}-status`,
        });
      });
    await pool(clickDocs, 4, (d) => send(d.id, 'contract', d.approver));
    const intake = pool(ladderDocs, 8, async (d, i) => {
      const at = T0 + (i * p.intakeMs) / p.documents;
      if (at > Date.now()) await sleep(at - Date.now());
      await send(d.id, 'invoice', d.approver);
    }).then(() => say(`all ${p.documents} ladder documents sent (${rel(Date.now())})`));

    // --- progress ----------------------------------------------------------------------------
    const received = () => smtp!.messages.filter((m) => m.outcome !== 'rejected');
    let lastProgress = '';
    const progress = setInterval(
      () => {
        void (async () => {
          const got = received();
          const ids = new Set(got.map((m) => m.messageId));
          const open = await stores!.db
            .query<{ status: string; n: string }>(
              `SELECT status, count(*) AS n FROM notifications WHERE tenant_id = $1 GROUP BY status`,
              [TENANT],
            )
            .then(
              (r) => r.rows.map((x) => `${x.status} ${x.n}`).join(', '),
              () => 'ledger unreachable',
            );
          const line = `progress ${rel(Date.now())}: ${ids.size}/${expected.size} planned emails received (${got.length - ids.size} extra copies), SMTP attempts ${smtp!.attempts.length}; ledger: ${open}`;
          if (line !== lastProgress) say(line);
          lastProgress = line;
        })();
      },
      p.name === 'quick' ? 5_000 : 15_000,
    );

    // --- faults ------------------------------------------------------------------------------
    const faults: Fault[] = [];
    const until = async (offset: number) => {
      const at = T0 + offset;
      if (at > Date.now()) await sleep(at - Date.now());
    };
    const killWorker = async (i: number, n: number) => {
      const wk = workers[i];
      const f: Fault = {
        kind: 'worker_kill',
        start: Date.now(),
        recovered: false,
        detail: `SIGKILL ${wk?.name ?? `worker-${i + 1}`} (${n} of 3)`,
      };
      faults.push(f);
      expectingExit = true;
      const sendingAtKill = await stores!.db
        .query<{ n: string }>(
          `SELECT count(*) AS n FROM notifications WHERE tenant_id = $1 AND status IN ('sending', 'scheduled')`,
          [TENANT],
        )
        .then(
          (r) => r.rows[0].n,
          () => '?',
        );
      f.killedAt = Date.now();
      if (wk) await kill(wk);
      workers[i] = undefined;
      expectingExit = false;
      say(
        `FAULT ${f.detail} at ${rel(f.start)} (pid ${wk?.child.pid}; ledger rows sending/scheduled: ${sendingAtKill}); restarting it`,
      );
      f.detail += `, ${sendingAtKill} rows sending/scheduled`;
      await startWorkerN(i);
      f.end = Date.now();
      f.recovered = true;
      say(`  ${workers[i]!.name} back after ${((f.end - f.start) / 1000).toFixed(1)} s (pid ${workers[i]!.child.pid})`);
    };

    const clickResults: ClickResult[] = [];
    const faultPlan = (async () => {
      await until(p.at.kill1);
      await killWorker(0, 1);

      await until(p.at.smtp);
      const smtpFault: Fault = {
        kind: 'smtp_421',
        start: Date.now(),
        recovered: false,
        detail: `every transaction answered 421 for ${p.smtpOutageMs / 1000} s`,
      };
      faults.push(smtpFault);
      smtp!.outage = reply(421, '4.3.2 Service not available, closing transmission channel');
      say(`FAULT SMTP answers 421 from ${rel(smtpFault.start)} for ${p.smtpOutageMs / 1000} s`);
      const smtpBack = (async () => {
        await sleep(smtpFault.start + p.smtpOutageMs - Date.now());
        smtp!.outage = undefined;
        smtpFault.end = Date.now();
        smtpFault.recovered = true;
        const refused = smtp!.attempts.filter(
          (a) => a.code === 421 && a.at >= smtpFault.start && a.at <= smtpFault.end!,
        ).length;
        smtpFault.detail += `; ${refused} transactions refused`;
        say(`  SMTP accepts again at ${rel(smtpFault.end)} (${refused} transactions were refused with 421)`);
      })();

      await until(p.at.kill2);
      await killWorker(1, 2);
      await smtpBack;

      await until(p.at.temporal);
      const tf: Fault = {
        kind: 'temporal_restart',
        start: Date.now(),
        recovered: false,
        detail: `Temporal dev server stopped (SIGTERM), down ${p.downMs / 1000} s, started again on its SQLite file`,
      };
      faults.push(tf);
      say(`FAULT Temporal dev server restart at ${rel(tf.start)}`);
      await temporal!.stop();
      temporal = undefined;
      await sleep(p.downMs);
      temporal = await startLocalServices(temporalOpts);
      tf.end = Date.now();
      tf.recovered = true;
      say(`  Temporal back after ${((tf.end - tf.start) / 1000).toFixed(1)} s`);

      await until(p.at.kill3);
      await killWorker(0, 3);

      await until(p.at.postgres);
      const pf: Fault = {
        kind: 'postgres_restart',
        start: Date.now(),
        recovered: false,
        detail: `PostgreSQL stopped (fast shutdown), down ${p.downMs / 1000} s, started again on its data folder`,
      };
      faults.push(pf);
      say(`FAULT PostgreSQL restart at ${rel(pf.start)}`);
      await postgres!.stop();
      postgres = undefined;
      await sleep(p.downMs);
      postgres = await startLocalServices(postgresOpts);
      pf.end = Date.now();
      pf.recovered = true;
      say(`  PostgreSQL back after ${((pf.end - pf.start) / 1000).toFixed(1)} s`);

      await until(p.at.clicks);
      // The first email of every click document, as it reached the mailbox: its approve link.
      const links = clickDocs.map((d) => {
        const id = [...expected.values()].find((e) => e.documentId === d.id && e.kind === 'first')!.messageId;
        const mail = received().find((m) => m.messageId === id);
        const hrefs = [...(mail?.html ?? '').matchAll(/href="([^"]*\/actions\/([^"/?#]+))"/g)];
        const approve = hrefs.find((h) => {
          const v = keyring.verify(h[2], Date.now());
          return v.ok && v.claims.action === 'approve';
        });
        return { doc: d.id, url: approve?.[1] };
      });
      const clickable = links.filter((l): l is { doc: string; url: string } => !!l.url);
      say(
        `CLICKS ${clickable.length} people click the approve link of their email (${links.length - clickable.length} emails without one yet) over ${p.clickSpreadMs / 1000} s`,
      );
      const origin = `http://127.0.0.1:${webPort}`;
      const tClicks = Date.now();
      const clicking = Promise.all(
        clickable.map(async (l, i) => {
          await sleep((i * p.clickSpreadMs) / clickable.length);
          clickResults.push(
            await clickLink(l.doc, l.url, `10.20.${Math.floor(i / 250)}.${(i % 250) + 1}`, origin, 180_000),
          );
        }),
      );
      for (const l of links)
        if (!l.url)
          clickResults.push({
            documentId: l.doc,
            appliedHere: false,
            lostReplies: 0,
            retries: 0,
            error: 'its first email (with the links) was not received',
          });
      await sleep(tClicks + p.clickSpreadMs / 3 - Date.now());
      const wf: Fault = {
        kind: 'web_restart',
        start: Date.now(),
        recovered: false,
        detail: `web server SIGKILLed and started again after ${clickResults.length} of ${clickable.length} clicks were done`,
      };
      faults.push(wf);
      say(
        `FAULT web server SIGKILL at ${rel(wf.start)} (${clickResults.length} of ${clickable.length} clicks done); restarting it`,
      );
      await kill(web!);
      web = await startWebProc('web', env, logDir, webDir, webPort);
      wf.end = Date.now();
      wf.recovered = true;
      say(`  web server back after ${((wf.end - wf.start) / 1000).toFixed(1)} s`);
      await clicking;
      say(
        `clicks done: ${clickResults.filter((c) => c.appliedHere).length} applied on the first answer, ${clickResults.filter((c) => c.lostReplies > 0).length} with a reply lost, ${clickResults.reduce((n, c) => n + c.retries, 0)} requests retried`,
      );
    })();
    await Promise.all([intake, faultPlan]);

    // --- the confirmations the decisions planned ---------------------------------------------
    const views = new Map<string, DocumentView>();
    const viewOf = (doc: string) => persist(`state of ${doc}`, () => client!.getState(doc, TENANT), 120_000);
    for (const d of clickDocs) {
      const v = await viewOf(d.id);
      views.set(d.id, v);
      for (const dec of v.decisions) {
        const to = approverEmail(d.approver);
        const id = key(d.id, `${dec.taskId}:decision`, to);
        expected.set(id, { messageId: id, documentId: d.id, kind: 'decision', seq: 0, to });
      }
    }

    // --- wait until every planned email is due and out ----------------------------------------
    const lastPlanned = T0 + p.intakeMs + p.escalationMs;
    // Past the bound of the last planned email (plus a margin) nothing more is owed: what is missing then is lost.
    const waitUntil = Math.max(deadlineFor(lastPlanned, faults), Date.now()) + 30_000;
    say(`waiting for the last planned emails (due by ${rel(lastPlanned)}; giving up at ${rel(waitUntil)})`);
    for (;;) {
      const ids = new Set(received().map((m) => m.messageId));
      const missing = [...expected.keys()].filter((id) => !ids.has(id)).length;
      const openRows = await stores.db
        .query<{ n: string }>(
          `SELECT count(*) AS n FROM notifications WHERE tenant_id = $1 AND status IN ('sending', 'scheduled')`,
          [TENANT],
        )
        .then(
          (r) => Number(r.rows[0].n),
          () => -1,
        );
      if (missing === 0 && openRows === 0 && Date.now() > lastPlanned) break;
      if (Date.now() > waitUntil) {
        say(`gave up waiting: ${missing} planned emails not received, ${openRows} ledger rows still open`);
        break;
      }
      await sleep(2_000);
    }
    const settleMs = p.name === 'quick' ? 10_000 : 30_000;
    say(`all in; ${settleMs / 1000} s more for late copies`);
    await sleep(settleMs);
    clearInterval(progress);
    clearInterval(watch);

    // --- checks ------------------------------------------------------------------------------
    const tViews = Date.now();
    await pool([...ladderDocs, ...clickDocs], 8, async (d) => void views.set(d.id, await viewOf(d.id)));
    say(`read the state of ${views.size} workflows in ${((Date.now() - tViews) / 1000).toFixed(1)} s`);

    const byId = new Map<string, SmtpFaultServer['messages']>();
    for (const m of received()) byId.set(m.messageId, [...(byId.get(m.messageId) ?? []), m]);
    const lost = [...expected.values()].filter((e) => !byId.has(e.messageId));
    const duplicated = [...byId].filter(([, ms]) => ms.length > 1);
    const duplicates = duplicated.reduce((n, [, ms]) => n + ms.length - 1, 0);
    // The one duplicate docnotify documents as unavoidable (docs/delivery.md, RFC 1047): the worker died between the
    // server's 250 and the ledger update, so the retry sent the same Message-ID again. It is counted and shown; it
    // passes only as exactly two copies whose first one the server took within CRASH_GAP_MS before a SIGKILL.
    // Any other duplicate — a lost reply, a replay, a ledger that let a finished row be claimed again — fails.
    const gapKill = (ms: SmtpFaultServer['messages']) =>
      ms.length === 2
        ? faults.find(
            (f) =>
              f.kind === 'worker_kill' &&
              f.killedAt !== undefined &&
              ms[0].at >= f.killedAt - CRASH_GAP_MS &&
              ms[0].at <= f.killedAt + 50,
          )
        : undefined;
    const inCrashGap = ([, ms]: [string, SmtpFaultServer['messages']]) => gapKill(ms) !== undefined;
    const crashGap = duplicated.filter(inCrashGap);
    const otherDuplicates = duplicated.filter((d) => !inCrashGap(d));
    const unexpected = [...byId.keys()].filter((id) => !expected.has(id));

    // Lateness: first copy at the server vs. the planned instant (the workflow's statusSince + the rule's offsets).
    const late: { e: Expected; lateMs: number; boundMs: number }[] = [];
    for (const e of expected.values()) {
      const got = byId.get(e.messageId)?.[0];
      if (!got) continue;
      const v = views.get(e.documentId)!;
      let planned: number | undefined;
      if (e.offsetMs !== undefined && v.statusSince) planned = Date.parse(v.statusSince) + e.offsetMs;
      if (e.kind === 'decision') planned = Date.parse(v.decisions[0]?.at ?? '');
      if (planned === undefined || Number.isNaN(planned)) continue;
      late.push({ e, lateMs: got.at - planned, boundMs: deadlineFor(planned, faults) - planned });
    }
    const tooLate = late.filter((l) => l.lateMs > l.boundMs);
    const maxLate = (kinds: Expected['kind'][]) =>
      late.filter((l) => kinds.includes(l.e.kind)).reduce((m, l) => Math.max(m, l.lateMs), 0);
    const pct = (kinds: Expected['kind'][], q: number) => {
      const xs = late
        .filter((l) => kinds.includes(l.e.kind))
        .map((l) => l.lateMs)
        .sort((a, b) => a - b);
      return xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] : 0;
    };

    // The ledger agrees with the mailbox.
    const ledger = (
      await stores.db.query<{
        message_id: string;
        status: string;
        attempts: number;
        key: string;
        document_id: string;
        kind: string;
      }>('SELECT message_id, status, attempts, key, document_id, kind FROM notifications WHERE tenant_id = $1', [
        TENANT,
      ])
    ).rows;
    const ledgerSent = new Set(ledger.filter((r) => r.status === 'sent').map((r) => r.message_id));
    const ledgerNotSent = ledger.filter((r) => r.status !== 'sent');
    const inMailboxNotLedger = [...byId.keys()].filter((id) => !ledgerSent.has(id));
    const inLedgerNotMailbox = [...ledgerSent].filter((id) => !byId.has(id));

    // The workflows agree: each recorded its emails as sent.
    const expectedPerDoc = new Map<string, number>();
    for (const e of expected.values()) expectedPerDoc.set(e.documentId, (expectedPerDoc.get(e.documentId) ?? 0) + 1);
    const workflowMismatch = [...views]
      .filter(([doc, v]) => v.emailCount !== expectedPerDoc.get(doc))
      .map(([doc, v]) => `${doc}: workflow counts ${v.emailCount}, planned ${expectedPerDoc.get(doc)}`);

    // Clicks: every click applied once or refused clearly; the workflow shows exactly one decision.
    const clickProblems: string[] = [];
    for (const c of clickResults) {
      const v = views.get(c.documentId)!;
      const decisions = v.decisions.length;
      const decisionEvents = v.history.filter((h) => h.kind === 'decision').length;
      if (c.error) clickProblems.push(`${c.documentId}: ${c.error}`);
      else if (!(isDonePage(c.final) || isClearRefusal(c.final)))
        clickProblems.push(`${c.documentId}: final page ${JSON.stringify(c.final)}`);
      if (decisions !== 1 || decisionEvents !== 1)
        clickProblems.push(
          `${c.documentId}: ${decisions} decisions / ${decisionEvents} decision events in the workflow`,
        );
      if (c.appliedHere && !isDonePage(c.final)) clickProblems.push(`${c.documentId}: applied but no done page`);
      if (c.again && !isClearRefusal(c.again))
        clickProblems.push(`${c.documentId}: second submission answered ${JSON.stringify(c.again)}`);
      if (!c.again && !c.error && c.final && isDonePage(c.final))
        clickProblems.push(`${c.documentId}: second submission never answered`);
    }
    const clicksApplied = clickResults.filter((c) => views.get(c.documentId)?.decisions.length === 1).length;
    const clicksRefusedClearly = clickResults.filter((c) => isClearRefusal(c.final) || isClearRefusal(c.again)).length;

    const restarts = Object.fromEntries(
      (['worker_kill', 'smtp_421', 'temporal_restart', 'postgres_restart', 'web_restart'] as const).map((k) => [
        k,
        `${faults.filter((f) => f.kind === k && f.recovered).length}/${faults.filter((f) => f.kind === k).length}`,
      ]),
    );

    const checks: { name: string; ok: boolean; detail: string }[] = [
      {
        name: 'no email lost',
        ok: lost.length === 0,
        detail: lost
          .slice(0, 10)
          .map((e) => `${e.documentId} ${e.kind}${e.seq ? ` ${e.seq}` : ''} → ${e.to}`)
          .join('; '),
      },
      {
        name: 'no email duplicated (by Message-ID) outside the crash gap',
        ok: otherDuplicates.length === 0,
        detail: otherDuplicates
          .slice(0, 10)
          .map(([id, ms]) => `${id} ×${ms.length} at ${ms.map((m) => rel(m.at)).join(', ')}`)
          .join('; '),
      },
      { name: 'no unplanned email', ok: unexpected.length === 0, detail: unexpected.slice(0, 10).join(', ') },
      {
        name: 'every email within its documented lateness',
        ok: tooLate.length === 0,
        detail: tooLate
          .slice(0, 10)
          .map(
            (l) =>
              `${l.e.documentId} ${l.e.kind} ${l.e.seq}: ${(l.lateMs / 1000).toFixed(1)} s > ${(l.boundMs / 1000).toFixed(1)} s`,
          )
          .join('; '),
      },
      {
        name: 'ledger (sent) = mailbox',
        ok:
          inMailboxNotLedger.length === 0 &&
          inLedgerNotMailbox.length === 0 &&
          ledgerNotSent.length === 0 &&
          ledgerSent.size === expected.size,
        detail: `${ledgerSent.size} sent rows, ${ledgerNotSent.length} other rows${
          ledgerNotSent.length
            ? ` (${ledgerNotSent
                .slice(0, 5)
                .map((r) => `${r.key}: ${r.status}`)
                .join('; ')})`
            : ''
        }, ${inMailboxNotLedger.length} received without a sent row, ${inLedgerNotMailbox.length} sent rows not received`,
      },
      {
        name: 'workflows recorded every email',
        ok: workflowMismatch.length === 0,
        detail: workflowMismatch.slice(0, 10).join('; '),
      },
      {
        name: 'every click applied once or refused clearly',
        ok: clickProblems.length === 0 && clickResults.length === clickDocs.length,
        detail: clickProblems.slice(0, 10).join('; '),
      },
      {
        name: 'every fault injected and recovered from',
        ok: faults.length === 7 && faults.every((f) => f.recovered),
        detail: faults
          .filter((f) => !f.recovered)
          .map((f) => f.kind)
          .join(', '),
      },
      { name: 'no worker exited on its own', ok: unexpectedExits.length === 0, detail: unexpectedExits.join('; ') },
    ];

    const figures = {
      profile: p.name,
      date: new Date().toISOString(),
      documents: p.documents + p.clickDocuments,
      ladderDocuments: p.documents,
      clickDocuments: p.clickDocuments,
      emailsExpected: expected.size,
      emailsReceived: received().length,
      distinctReceived: byId.size,
      duplicates,
      duplicatesInCrashGap: crashGap.length,
      lost: lost.length,
      unexpected: unexpected.length,
      lateness: {
        boundBaseMs: BASE_LATENESS_MS,
        reminderMaxMs: maxLate(['reminder']),
        escalationMaxMs: maxLate(['escalation']),
        firstMaxMs: maxLate(['first']),
        decisionMaxMs: maxLate(['decision']),
        remindersP50Ms: pct(['reminder', 'escalation'], 0.5),
        remindersP99Ms: pct(['reminder', 'escalation'], 0.99),
        overBound: tooLate.length,
        tightestMarginMs: late.length ? Math.min(...late.map((l) => l.boundMs - l.lateMs)) : 0,
      },
      smtpAttempts: smtp.attempts.length,
      smtpRefused421: smtp.attempts.filter((a) => a.code === 421).length,
      ledgerRowsRetried: ledger.filter((r) => r.attempts > 1).length,
      clicks: {
        people: clickResults.length,
        decisionsApplied: clicksApplied,
        refusedClearly: clicksRefusedClearly,
        lostReplies: clickResults.filter((c) => c.lostReplies > 0).length,
        retriedRequests: clickResults.reduce((n, c) => n + c.retries, 0),
      },
      restartsSurvived: restarts,
      faults: faults.map((f) => ({
        kind: f.kind,
        atS: Number(((f.start - T0) / 1000).toFixed(1)),
        downS: Number((((f.end ?? f.start) - f.start) / 1000).toFixed(1)),
        recovered: f.recovered,
        detail: f.detail,
      })),
      unexpectedWorkerExits: unexpectedExits,
      checks,
      durationS: Number(((Date.now() - T_START) / 1000).toFixed(1)),
      injected: inject,
      ok: checks.every((c) => c.ok),
    };

    const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const table = [
      '',
      `chaos ${p.name} — ${figures.date}`,
      `  documents                 ${figures.documents} (${p.documents} ladder, ${p.clickDocuments} clicked)`,
      `  emails expected/received  ${figures.emailsExpected} / ${figures.distinctReceived} distinct (${figures.emailsReceived} copies)`,
      `  duplicates                ${figures.duplicates}${
        crashGap.length
          ? ` (${crashGap.length} in the crash gap: first copy ${crashGap
              .map(([, ms]) => `${ms[0].at - gapKill(ms)!.killedAt!} ms from a SIGKILL`)
              .join(', ')})`
          : ''
      }`,
      `  lost                      ${figures.lost}`,
      `  max lateness              reminders ${s1(figures.lateness.reminderMaxMs)}, escalations ${s1(figures.lateness.escalationMaxMs)}, first emails ${s1(figures.lateness.firstMaxMs)}, confirmations ${s1(figures.lateness.decisionMaxMs)} (reminders+escalations p50 ${s1(figures.lateness.remindersP50Ms)}, p99 ${s1(figures.lateness.remindersP99Ms)}); over the documented bound: ${figures.lateness.overBound}`,
      `  SMTP                      ${figures.smtpAttempts} transactions, ${figures.smtpRefused421} refused with 421; ${figures.ledgerRowsRetried} ledger rows needed > 1 attempt`,
      `  clicks                    ${figures.clicks.people} people: ${figures.clicks.decisionsApplied} decisions applied once, ${figures.clicks.refusedClearly} clear refusals (second submission), ${figures.clicks.lostReplies} replies lost to the web restart, ${figures.clicks.retriedRequests} requests retried`,
      `  restarts survived         worker SIGKILL ${restarts.worker_kill}, SMTP 421 window ${restarts.smtp_421}, Temporal ${restarts.temporal_restart}, PostgreSQL ${restarts.postgres_restart}, web ${restarts.web_restart}`,
      `  faults                    ${figures.faults.map((f) => `${f.kind}@${f.atS}s(${f.downS}s)`).join(', ')}`,
      `  duration                  ${figures.durationS} s`,
      '',
      ...checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name}${c.detail && !c.ok ? `: ${c.detail}` : ''}`),
      '',
      figures.ok ? 'chaos: all checks passed' : 'chaos: FAILED',
    ].join('\n');
    process.stdout.write(`${table}\n`);
    if (out) {
      fs.writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
      say(`figures written to ${out}`);
    }
    failed = !figures.ok;
    exitCode = figures.ok ? 0 : 1;
  } catch (e) {
    say(`chaos run broke off: ${(e as Error).stack ?? String(e)}`);
    failed = true;
    exitCode = 1;
  } finally {
    cleaning ??= cleanup();
    await cleaning;
  }
  process.exit(exitCode ?? 1);
}

void main();
