/** The five parts of `npm run bench` (see bench/run.ts). Each returns plain figures for the table. */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { DocnotifyClient } from '../src/client';
import { loadConfig } from '../src/config';
import { Mailer } from '../src/email/transport';
import { SEARCH_ATTRIBUTES, toolPath } from '../src/dev/services';
import { startWorker } from '../src/worker';
import { workflowBundleOptions } from '../src/workflow-bundle';
import type { Stores } from '../src/store';
import { floorEventSignal } from './floor/workflows';
import {
  historyCost,
  historyOf,
  machineCpuMs,
  rulesChangeSeen,
  median,
  metric,
  percentile,
  pool,
  round1,
  round2,
  say,
  sleep,
  type Catcher,
  type Proc,
  type Stack,
} from './lib';

export interface Env {
  stack: Stack;
  temporal: Client;
  docnotify: DocnotifyClient;
  stores: Stores;
  catcher: Catcher;
  /** The docnotify worker process (a separate `docnotify worker`). */
  worker: Proc;
  /** The floor's worker process (bench/floor/worker.ts). */
  floorWorker: Proc;
  /** Its /metrics. */
  workerMetrics: string;
  taskQueue: string;
  floorTaskQueue: string;
}

const SENDERS = 16;
const run = randomUUID().slice(0, 6);

// ---------------------------------------------------------------------------------------------
// 1. The first email against the engine floor

export interface ThroughputSide {
  emailsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  historyEvents: number;
  workflowTasks: number;
  actions: number;
  upserts: number;
  /** CPU time per email of the side's worker process (every thread), during its round. */
  workerCpuMs: number;
  /** CPU time per email of the whole machine (server, PostgreSQL, Mailpit, workers, benchmark), during its round. */
  machineCpuMs: number;
}
export interface Throughput {
  rounds: number;
  emailsPerRound: number;
  floor: ThroughputSide;
  docnotify: ThroughputSide;
  ratio: number;
  ratios: number[];
}

/** The document id in a subject of either side ("[invoice <id>] Processing completed"). */
const idInSubject = (subject: string) => /\[\w+ ([^\]]+)\]/.exec(subject)?.[1] ?? '';

async function oneRound(env: Env, side: 'floor' | 'docnotify', n: number, round: number): Promise<ThroughputSide> {
  const token = `${side}-${run}-r${round}`;
  const to = `${token}@bench.example.com`;
  // docnotify: a tenant of its own whose one rule sends the first email of `exported` to the run's address.
  const tenantId = `bench-${token}`;
  if (side === 'docnotify')
    await env.stores.rules.create({
      name: 'Bench first email',
      tenantId,
      trigger: { status: 'exported' },
      delay: '0s',
      recipients: { assignee: false, addresses: [to] },
    });
  const ids = Array.from({ length: n }, (_, i) => `${token}-${i + 1}`);
  const sentAt = new Map<string, number>();
  const proc = side === 'floor' ? env.floorWorker : env.worker;
  const cpu0 = { worker: proc.cpuMs(), machine: machineCpuMs() };
  const t0 = Date.now();
  await pool(ids, SENDERS, async (id) => {
    sentAt.set(id, Date.now());
    if (side === 'floor') {
      await env.temporal.workflow.signalWithStart('floorWorkflow', {
        workflowId: `floor/${id}`,
        taskQueue: env.floorTaskQueue,
        args: [],
        signal: floorEventSignal,
        signalArgs: [{ to, subject: `[invoice ${id}] Processing completed` }],
      });
    } else {
      await env.docnotify.sendEvent({ type: 'status_changed', tenantId, documentId: id, status: 'exported' });
    }
  });
  await env.catcher.waitFor(`${side} round ${round}`, token, n, 10 * 60_000);
  const cpu = { worker: proc.cpuMs() - cpu0.worker, machine: machineCpuMs() - cpu0.machine };
  const caught = await env.catcher.all(token);
  const last = Math.max(...caught.map((c) => c.at));
  const latencies = caught
    .map((c) => c.at - (sentAt.get(idInSubject(c.subject)) ?? NaN))
    .filter((l) => !Number.isNaN(l));
  if (latencies.length !== n)
    throw new Error(`${side}: ${latencies.length} of ${n} emails matched a document by subject`);
  const sample = ids.slice(0, Math.min(10, n));
  const costs = await Promise.all(
    sample.map(async (id) =>
      historyCost(await historyOf(env.temporal, side === 'floor' ? `floor/${id}` : `document/${tenantId}/${id}`)),
    ),
  );
  const avg = (k: keyof (typeof costs)[number]) => round1(costs.reduce((sum, c) => sum + c[k], 0) / costs.length);
  return {
    emailsPerSecond: round1(n / ((last - t0) / 1000)),
    p50Ms: Math.round(median(latencies)),
    p99Ms: Math.round(percentile(latencies, 99)),
    historyEvents: avg('events'),
    workflowTasks: avg('workflowTasks'),
    actions: avg('actions'),
    upserts: avg('upserts'),
    workerCpuMs: round1(cpu.worker / n),
    machineCpuMs: round1(cpu.machine / n),
  };
}

export async function throughput(env: Env, rounds: number, n: number, warmup: number): Promise<Throughput> {
  const floor: ThroughputSide[] = [];
  const docnotify: ThroughputSide[] = [];
  // A round of `warmup` emails per side first, not counted: both workers' first workflows run cold (V8 compiles
  // their code, pools connect), a one-time cost of a process, not a property of its throughput.
  if (warmup > 0) {
    for (const side of ['floor', 'docnotify'] as const) await oneRound(env, side, warmup, 0);
    await env.catcher.clear();
    say(`    warm-up: ${warmup} emails per side, not counted`);
  }
  for (let r = 1; r <= rounds; r++) {
    // Alternate who goes first: a noisy machine then weighs on both alike.
    const order: ('floor' | 'docnotify')[] = r % 2 ? ['floor', 'docnotify'] : ['docnotify', 'floor'];
    for (const side of order) {
      const result = await oneRound(env, side, n, r);
      (side === 'floor' ? floor : docnotify).push(result);
      say(
        `    round ${r} ${side}: ${result.emailsPerSecond} emails/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.historyEvents} events, ${result.actions} actions, CPU per email: worker ${result.workerCpuMs} ms, machine ${result.machineCpuMs} ms`,
      );
    }
    await env.catcher.clear();
  }
  const ratios = floor.map((f, i) => round2(docnotify[i].emailsPerSecond / f.emailsPerSecond));
  const med = (list: ThroughputSide[]): ThroughputSide => {
    const keys = Object.keys(list[0]) as (keyof ThroughputSide)[];
    return Object.fromEntries(keys.map((k) => [k, median(list.map((x) => x[k]))])) as unknown as ThroughputSide;
  };
  return { rounds, emailsPerRound: n, floor: med(floor), docnotify: med(docnotify), ratio: median(ratios), ratios };
}

// ---------------------------------------------------------------------------------------------
// 2. Open documents: memory of a separate worker process

export interface OpenDocuments {
  documents: number;
  ingestEventsPerSecond: number;
  /** Until every document's run planned its first reminder (NextNotificationAt set). */
  plannedAfterSeconds: number;
  rssAfterIngestMb: number;
  rssAfterSettleMb: number;
  settleSeconds: number;
  peakRssMb: number;
  heapUsedAfterSettleMb: number;
}

export const OPEN_TENANT = `open-${run}`;
export const openIds = (n: number) => Array.from({ length: n }, (_, i) => `OPEN-${run}-${i + 1}`);

export async function openDocuments(
  env: Env,
  n: number,
  settleSeconds: number,
): Promise<{ figures: OpenDocuments; ruleId: string }> {
  const rule = await env.stores.rules.create({
    name: 'Bench approval',
    tenantId: OPEN_TENANT,
    trigger: { status: 'pending_approval' },
    delay: '3d',
    repeat: { interval: '1d', maxCount: 5 },
    recipients: { assignee: false, addresses: [`open-${run}@bench.example.com`] },
  });
  const ids = openIds(n);
  const t0 = Date.now();
  let done = 0;
  await pool(ids, 32, async (documentId) => {
    await env.docnotify.sendEvent({
      type: 'status_changed',
      tenantId: OPEN_TENANT,
      documentId,
      status: 'pending_approval',
    });
    if (++done % Math.max(1, Math.floor(n / 10)) === 0)
      say(`    ingest: ${done}/${n} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
  const ingestSeconds = (Date.now() - t0) / 1000;
  const query = `TenantId = '${OPEN_TENANT}' AND ExecutionStatus = 'Running' AND NextNotificationAt > '2000-01-01T00:00:00Z'`;
  for (;;) {
    const { count } = await env.temporal.workflow.count(query);
    if (count >= n) break;
    if (Date.now() - t0 > 30 * 60_000) throw new Error(`only ${count}/${n} documents planned after 30 minutes`);
    await sleep(1000);
  }
  const plannedAfterSeconds = (Date.now() - t0) / 1000;
  const rssAfterIngestMb = env.worker.rssMb();
  say(
    `    ${n} documents planned after ${plannedAfterSeconds.toFixed(1)} s; worker RSS ${rssAfterIngestMb.toFixed(0)} MB; settling ${settleSeconds} s`,
  );
  let peak = rssAfterIngestMb;
  for (let s = 0; s < settleSeconds; s++) {
    await sleep(1000);
    peak = Math.max(peak, env.worker.rssMb());
    if (s > 0 && s % 60 === 0) say(`    settle: ${s} s, RSS ${env.worker.rssMb().toFixed(0)} MB`);
  }
  return {
    ruleId: rule.id,
    figures: {
      documents: n,
      ingestEventsPerSecond: round1(n / ingestSeconds),
      plannedAfterSeconds: round1(plannedAfterSeconds),
      rssAfterIngestMb: Math.round(rssAfterIngestMb),
      rssAfterSettleMb: Math.round(env.worker.rssMb()),
      settleSeconds,
      peakRssMb: Math.round(Math.max(peak, env.worker.peakMb())),
      heapUsedAfterSettleMb: Math.round((await metric(env.workerMetrics, 'nodejs_heap_size_used_bytes')) / 1048576),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 3. A rule edit with the open documents

export interface RuleEdit {
  documents: number;
  httpMs: number;
  /** From the request until the fan-out workflow finished telling every affected document. */
  fanOutSeconds: number;
  /** From the request until the last document had re-planned with the new rules version. */
  allChangedSeconds: number;
  changed: number;
  ratePerSecond: number;
  workerPeakRssMb: number;
  /** Workflow task timeouts in the documents' histories since the edit (sticky schedule-to-start, start-to-close). */
  workflowTaskTimeouts: number;
  workflowTaskTimeoutsByKind?: { scheduleToStart: number; startToClose: number };
  workflowTaskFailures: number;
}

export async function ruleEdit(
  env: Env,
  web: { url: string; token: string },
  ruleId: string,
  n: number,
  ratePerSecond: number,
): Promise<RuleEdit> {
  const ids = openIds(n);
  const t0 = Date.now();
  const res = await fetch(`${web.url}/api/v1/rules/${ruleId}?tenant=${OPEN_TENANT}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench approval',
      trigger: { status: 'pending_approval' },
      delay: '3d',
      repeat: { interval: '2d', maxCount: 5 },
      recipients: { assignee: false, addresses: [`open-${run}@bench.example.com`] },
    }),
  });
  const httpMs = Date.now() - t0;
  if (!res.ok) throw new Error(`PUT rule: ${res.status} ${await res.text()}`);
  const version = await env.stores.rulesVersions.current(OPEN_TENANT);
  say(`    PUT answered in ${httpMs} ms (rules version ${version}); telling ${n} documents at ${ratePerSecond}/s`);
  let peak = env.worker.rssMb();
  const sampler = setInterval(() => (peak = Math.max(peak, env.worker.rssMb())), 500);
  const fanOut = env.temporal.workflow.getHandle(`rules-fanout/${OPEN_TENANT}`);
  await fanOut.result();
  const fanOutSeconds = (Date.now() - t0) / 1000;
  // Every document re-plans when its signal is handled. Read from the histories, not by querying documentState:
  // a query of a document not in the worker's cache makes the worker replay it, which at 10,000 documents is load
  // of its own (it made queries time out and workflow tasks wait on a slower machine).
  const replannedAt = new Map<string, number>();
  const timeouts = { scheduleToStart: 0, startToClose: 0 };
  let failures = 0;
  for (let pass = 0; replannedAt.size < n; pass++) {
    const missing = ids.filter((id) => !replannedAt.has(id));
    await pool(missing, 16, async (id) => {
      const seen = rulesChangeSeen(await historyOf(env.temporal, `document/${OPEN_TENANT}/${id}`), t0);
      if (seen.replannedAtMs !== undefined) replannedAt.set(id, seen.replannedAtMs);
    });
    if (replannedAt.size < n) {
      say(`    ${replannedAt.size}/${n} re-planned (pass ${pass + 1})`);
      if (pass > 30) throw new Error(`${n - replannedAt.size} documents never re-planned after the rules change`);
      await sleep(5000);
    }
  }
  clearInterval(sampler);
  const allChangedSeconds = (Math.max(...replannedAt.values()) - t0) / 1000;
  say(
    `    fan-out done after ${fanOutSeconds.toFixed(1)} s; every document re-planned ${allChangedSeconds.toFixed(1)} s after the edit; counting workflow task timeouts`,
  );
  await pool(ids, 16, async (id) => {
    const seen = rulesChangeSeen(await historyOf(env.temporal, `document/${OPEN_TENANT}/${id}`), t0);
    timeouts.scheduleToStart += seen.timeouts.scheduleToStart;
    timeouts.startToClose += seen.timeouts.startToClose;
    failures += seen.failed;
  });
  if (timeouts.scheduleToStart + timeouts.startToClose)
    say(`    workflow task timeouts since the edit: ${JSON.stringify(timeouts)}`);
  return {
    documents: n,
    httpMs,
    fanOutSeconds: round1(fanOutSeconds),
    allChangedSeconds: round1(allChangedSeconds),
    changed: replannedAt.size,
    ratePerSecond,
    workerPeakRssMb: Math.round(peak),
    workflowTaskTimeouts: timeouts.scheduleToStart + timeouts.startToClose,
    workflowTaskTimeoutsByKind: timeouts,
    workflowTaskFailures: failures,
  };
}

// ---------------------------------------------------------------------------------------------
// 4. Timer storm: reminders of many documents falling due in the same second

export interface TimerStorm {
  documents: number;
  lateP50Ms: number;
  lateP99Ms: number;
  lateMaxMs: number;
  /** The floor of any storm figure: the same number of messages, built beforehand, sent at one instant through the
   * worker's transport and pool (SMTP_POOL_SIZE connections) to the same Mailpit: lateness p50 / p99 / max. */
  smtp: { poolSize: number; lateP50Ms: number; lateP99Ms: number; lateMaxMs: number };
}

/** n messages built beforehand, sent at one instant through docnotify's transport: what SMTP alone takes. */
async function smtpStorm(env: Env, n: number): Promise<TimerStorm['smtp']> {
  const token = `smtp-storm-${run}`;
  const config = loadConfig({ SMTP_URL: env.stack.smtpUrl, LOG_LEVEL: 'warn' });
  const mailer = new Mailer({ ...config, SMTP_URL: env.stack.smtpUrl });
  try {
    const prepared = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        mailer.prepare({
          to: `${token}@bench.example.com`,
          subject: `[invoice SMTP-${i + 1}] Overdue`,
          html: `<p>${'The invoice is overdue. '.repeat(20)}</p>`,
          text: 'The invoice is overdue. '.repeat(20),
          messageId: `<smtp-storm-${run}-${i + 1}@bench.example.com>`,
          threadRoot: `<smtp-storm-${run}@bench.example.com>`,
          thread: { index: 'AQ==', topic: `invoice SMTP-${i + 1}` },
          priority: 'medium',
        }),
      ),
    );
    const instant = Date.now() + 1000;
    await sleep(instant - Date.now());
    await Promise.all(prepared.map((m) => mailer.sendPrepared(m)));
    await env.catcher.waitFor('smtp alone', token, n, 5 * 60_000);
    const late = (await env.catcher.all(token)).map((c) => c.at - instant);
    return {
      poolSize: config.SMTP_POOL_SIZE,
      lateP50Ms: Math.round(median(late)),
      lateP99Ms: Math.round(percentile(late, 99)),
      lateMaxMs: Math.round(Math.max(...late)),
    };
  } finally {
    mailer.close();
  }
}

export async function timerStorm(env: Env, n: number): Promise<TimerStorm> {
  const tenantId = `storm-${run}`;
  const token = `storm-${run}`;
  await env.stores.rules.create({
    name: 'Bench overdue',
    tenantId,
    trigger: { status: 'pending_approval' },
    delay: '3d',
    recipients: { assignee: false, addresses: [`${token}@bench.example.com`] },
    dueReminders: { before: [], overdue: true },
  });
  const ids = Array.from({ length: n }, (_, i) => `STORM-${run}-${i + 1}`);
  // Everything planned well before the instant: ingest at >= 20 documents/s, plus 20 s.
  const dueAt = Math.ceil((Date.now() + 20_000 + n * 50) / 1000) * 1000;
  const t0 = Date.now();
  await pool(ids, 32, async (documentId) => {
    await env.docnotify.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
    await env.docnotify.sendEvent({ type: 'due_date_set', tenantId, documentId, dueAt: new Date(dueAt).toISOString() });
  });
  const margin = (dueAt - Date.now()) / 1000;
  say(
    `    ${n} documents ingested in ${((Date.now() - t0) / 1000).toFixed(1)} s; their overdue notices fall due ${margin.toFixed(1)} s from now`,
  );
  if (margin < 2) say('    WARNING: ingest ended less than 2 s before the instant; lateness includes ingest');
  await env.catcher.waitFor('storm', token, n, 10 * 60_000 + (dueAt - Date.now()));
  const late = (await env.catcher.all(token)).map((c) => c.at - dueAt);
  await env.catcher.clear();
  say(`    the same ${n} messages through the same transport and Mailpit, SMTP alone (the floor of a storm):`);
  const smtp = await smtpStorm(env, n);
  await env.catcher.clear();
  return {
    documents: n,
    lateP50Ms: Math.round(median(late)),
    lateP99Ms: Math.round(percentile(late, 99)),
    lateMaxMs: Math.round(Math.max(...late)),
    smtp,
  };
}

// ---------------------------------------------------------------------------------------------
// 5. Long life: a year of daily reminders on the time-skipping server

/** What one typical document costs from its first event to its end, over all its runs. */
export interface Lifecycle {
  /** pending approval, 3 daily reminders, one escalation, a decision by link, its confirmation, exported. */
  emails: number;
  events: number;
  historyBytes: number;
  actions: number;
  upserts: number;
  workflowTasks: number;
}

export interface LongLife {
  lifecycle: Lifecycle;
  days: number;
  emails: number;
  runs: number;
  eventsPerRun: number[];
  longestRunEvents: number;
  longestRunBytes: number;
  replayLongestMs: number;
  eventsPerReminder: number;
}

export async function longLife(stack: Stack, stores: Stores, days: number): Promise<LongLife> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolPath('temporal-test-server') } },
  });
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(
        Object.entries(SEARCH_ATTRIBUTES).map(([name, t]) => [
          name,
          encodeSearchAttributeIndexedValueType(t.toUpperCase() as 'KEYWORD')!,
        ]),
      ),
    });
    const taskQueue = `long-${run}`;
    const tenantId = `long-${run}`;
    const token = `long-${run}`;
    await stores.rules.create({
      name: 'Bench daily',
      tenantId,
      trigger: { status: 'pending_approval' },
      delay: '1d',
      repeat: { interval: '1d', maxCount: days - 1 },
      recipients: { assignee: false, addresses: [`${token}@bench.example.com`] },
    });
    // The time-skipping server's clock runs days ahead of the activities': nothing is sent ahead there.
    const config = loadConfig({
      TEMPORAL_ADDRESS: env.address,
      DATABASE_URL: stack.databaseUrl,
      SMTP_URL: stack.smtpUrl,
      TASK_QUEUE: taskQueue,
      LOG_LEVEL: 'warn',
      SEND_AHEAD: '0',
    });
    const workflowBundle = await bundleWorkflowCode({
      ...workflowBundleOptions,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
    });
    const worker = await startWorker(config, { stores, workflowBundle });
    const client = new DocnotifyClient(env.client, taskQueue);
    const documentId = `LONG-${run}`;
    let state;
    let lifecycle: Lifecycle;
    try {
      lifecycle = await typicalLifecycle(env, client, stores, token);
      await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
      const t0 = Date.now();
      for (let d = 1; d <= days + 1; d++) {
        await env.sleep('1 day');
        if (d % 30 === 0)
          say(
            `    day ${d}: ${(await client.getState(documentId, tenantId)).emailCount} emails (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
          );
      }
      state = await client.getState(documentId, tenantId); // a query needs the worker
    } finally {
      await worker.shutdown();
    }
    // Walk the runs back from the newest: each run's start names the run it continued.
    const runs: { runId: string; events: ReturnType<typeof temporal.api.history.v1.History.fromObject>['events'] }[] =
      [];
    let runId: string | undefined = (
      await env.client.workflow.getHandle(`document/${tenantId}/${documentId}`).describe()
    ).runId;
    while (runId) {
      const history = await env.client.workflow.getHandle(`document/${tenantId}/${documentId}`, runId).fetchHistory();
      runs.unshift({ runId, events: history.events ?? [] });
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    }
    const longest = runs.reduce((a, b) => ((b.events?.length ?? 0) > (a.events?.length ?? 0) ? b : a));
    const history = temporal.api.history.v1.History.create({ events: longest.events });
    const bytes = temporal.api.history.v1.History.encode(history).finish().length;
    const t1 = Date.now();
    await Worker.runReplayHistory({ workflowBundle }, history, `document/${tenantId}/${documentId}`);
    const replayLongestMs = Date.now() - t1;
    const totalEvents = runs.reduce((s, r) => s + (r.events?.length ?? 0), 0);
    return {
      lifecycle,
      days,
      emails: state!.emailCount,
      runs: runs.length,
      eventsPerRun: runs.map((r) => r.events?.length ?? 0),
      longestRunEvents: longest.events?.length ?? 0,
      longestRunBytes: bytes,
      replayLongestMs,
      eventsPerReminder: round1(totalEvents / Math.max(1, state!.emailCount)),
    };
  } finally {
    await env.teardown();
  }
}

/** The lifecycle of docs/scaling.md, on the time-skipping server: what one document costs in history and actions. */
async function typicalLifecycle(
  env: TestWorkflowEnvironment,
  client: DocnotifyClient,
  stores: Stores,
  token: string,
): Promise<Lifecycle> {
  const tenantId = `life-${run}`;
  const documentId = `LIFE-${run}`;
  const to = `${token}-life@bench.example.com`;
  await stores.rules.create({
    name: 'Approval',
    tenantId,
    trigger: { status: 'pending_approval' },
    delay: '0s',
    repeat: { interval: '1d', maxCount: 3 },
    escalation: [{ afterReminders: 3, addresses: [`${token}-manager@bench.example.com`] }],
    recipients: { assignee: true },
    actions: ['approve', 'reject'],
  });
  await stores.rules.create({
    name: 'Completed',
    tenantId,
    trigger: { status: 'exported' },
    delay: '0s',
    recipients: { assignee: true },
  });
  await client.sendEvent({ type: 'assigned', tenantId, documentId, assignee: to });
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'pending_approval' });
  await env.sleep('97 hours'); // the first notice, 3 daily reminders, the escalation one interval after the third
  const view = await client.getState(documentId, tenantId);
  const decided = await client.resolveTask(
    documentId,
    { taskId: view.task!.id, taskVersion: view.task!.version, action: 'approve', actor: to, via: 'link' },
    tenantId,
  );
  if (!decided.ok) throw new Error(`lifecycle: the decision was refused: ${decided.reason}`);
  await env.sleep('1 minute'); // the confirmation
  await client.sendEvent({ type: 'status_changed', tenantId, documentId, status: 'exported' });
  const handle = env.client.workflow.getHandle(`document/${tenantId}/${documentId}`);
  await handle.result();
  const final = await stores.notifications.list({ tenantId, documentId, limit: 100 });
  const events = (await handle.fetchHistory()).events ?? [];
  const cost = historyCost(events);
  const bytes = temporal.api.history.v1.History.encode(temporal.api.history.v1.History.create({ events })).finish()
    .length;
  return {
    emails: final.filter((n) => n.status === 'sent').length,
    events: cost.events,
    historyBytes: bytes,
    actions: cost.actions,
    upserts: cost.upserts,
    workflowTasks: cost.workflowTasks,
  };
}
