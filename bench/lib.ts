/** What the benchmark parts share: the stack, worker processes, the catcher, statistics, history counts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { startCluster } from '../src/dev/cluster';
import { CLUSTER_SETTINGS } from '../src/dev/cluster-settings';
import { findFreePorts, startLocalServices, type LocalServices } from '../src/dev/services';

export const ROOT = path.resolve(__dirname, '..');
export const say = (line: string): void => void process.stdout.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Stack {
  temporalAddress: string;
  smtpUrl: string;
  mailpitUrl: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/** The services named in the environment, or a throwaway dev server, Mailpit and PostgreSQL on free ports. */
export async function openStack(): Promise<Stack> {
  const env = process.env;
  if (env.TEMPORAL_ADDRESS && env.SMTP_URL && env.MAILPIT_URL && env.DATABASE_URL) {
    say(`stack: using TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}, MAILPIT_URL=${env.MAILPIT_URL}`);
    return {
      temporalAddress: env.TEMPORAL_ADDRESS,
      smtpUrl: env.SMTP_URL,
      mailpitUrl: env.MAILPIT_URL,
      databaseUrl: env.DATABASE_URL,
      stop: async () => undefined,
    };
  }
  const [temporalPort, temporalUiPort, smtpPort, mailpitHttpPort, pgPort] = await findFreePorts(5);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-bench-'));
  say(`stack: starting a Temporal dev server, Mailpit and PostgreSQL (logs in ${dataDir})`);
  const services: LocalServices = await startLocalServices({
    dataDir,
    persistent: false,
    temporalPort,
    temporalUiPort,
    smtpPort,
    mailpitHttpPort,
    pgPort,
    start: { temporal: true, smtp: true, postgres: true },
    log: (l) => say(`  ${l}`),
  });
  return {
    temporalAddress: services.temporalAddress!,
    smtpUrl: services.smtpUrl!,
    mailpitUrl: services.inboxUrl!,
    databaseUrl: services.databaseUrl!,
    stop: async () => {
      await services.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * `--cluster`: the real Temporal server on PostgreSQL instead of the dev server (src/dev/cluster.ts without its
 * docnotify processes: the benchmark starts its own), with its own PostgreSQL and Mailpit.
 */
export async function openClusterStack(): Promise<Stack & { description: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-bench-cluster-'));
  say(`stack: starting the cluster tier's Temporal server on PostgreSQL, Mailpit and PostgreSQL (logs in ${dataDir})`);
  const cluster = await startCluster({ dataDir, docnotify: false, log: (l) => say(`  ${l}`) });
  say(`  cluster ready in ${cluster.timings.total} s`);
  return {
    temporalAddress: cluster.temporalAddress,
    smtpUrl: cluster.smtpUrl,
    mailpitUrl: cluster.mailpitUrl,
    databaseUrl: cluster.databaseUrl,
    description: `Temporal server ${CLUSTER_SETTINGS.temporalVersion} on PostgreSQL (cluster tier: one process, ${CLUSTER_SETTINGS.historyShards} history shards)`,
    stop: async () => {
      await cluster.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function temporalClient(address: string): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address }) });
}

/** A child process (a worker or a web server) whose memory is read from /proc. */
export interface Proc {
  child: ChildProcess;
  /** Resident set size now, MB. */
  rssMb(): number;
  /** Peak resident set size since start (VmHWM), MB. */
  peakMb(): number;
  /** CPU time used since start (user + system, every thread), ms. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Linux reports process CPU times in clock ticks of 10 ms (USER_HZ = 100 on every Linux ABI Node runs on). */
const TICK_MS = 10;

/** CPU time (user + system) of a process, ms: fields 14 and 15 of /proc/<pid>/stat. */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU time used by the whole machine so far (every core, every process, not idle), ms: /proc/stat. */
export function machineCpuMs(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = ticks.map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_MS;
}

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return NaN; // the process is gone: startProc reports its exit, with its last output
  }
  const m = status.match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Starts `node <args>` and resolves once a stdout line contains `ready` (or rejects when it exits first). */
export async function startProc(
  name: string,
  args: string[],
  env: Record<string, string>,
  ready: string,
  timeoutMs = 120_000,
): Promise<Proc> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  child.stderr!.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${log.join('')}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (chunk.toString().includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log.join('')}`));
    });
  });
  child.removeAllListeners('exit');
  let stopping = false;
  child.once('exit', (code, signal) => {
    // A process killed by a signal (a V8 heap limit aborts, the kernel's OOM killer kills) exits with no code.
    if (!stopping && (code || signal)) say(`  ${name} exited with ${code ?? signal}:\n${log.join('').slice(-2000)}`);
  });
  return {
    child,
    rssMb: () => procStatusMb(child.pid!, 'VmRSS'),
    peakMb: () => procStatusMb(child.pid!, 'VmHWM'),
    cpuMs: () => procCpuMs(child.pid!),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Reads one gauge from a Prometheus text endpoint. */
export async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : NaN;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/** A message at the catcher: its first recipient and when Mailpit accepted it (epoch ms). */
export interface Caught {
  to: string;
  subject: string;
  at: number;
}

export class Catcher {
  constructor(readonly url: string) {}

  async clear(): Promise<void> {
    await fetch(`${this.url}/api/v1/messages`, { method: 'DELETE' });
  }

  async count(token: string): Promise<number> {
    const res = await fetch(`${this.url}/api/v1/search?query=${encodeURIComponent(`to:"${token}"`)}&limit=1`);
    return ((await res.json()) as { messages_count: number }).messages_count;
  }

  /** Every message whose recipient contains `token`. */
  async all(token: string): Promise<Caught[]> {
    const out: Caught[] = [];
    for (let start = 0; ; start += 500) {
      const res = await fetch(
        `${this.url}/api/v1/search?query=${encodeURIComponent(`to:"${token}"`)}&limit=500&start=${start}`,
      );
      const page = (await res.json()) as {
        messages: { To: { Address: string }[]; Subject: string; Created: string }[];
      };
      out.push(
        ...page.messages.map((m) => ({ to: m.To[0]?.Address ?? '', subject: m.Subject, at: Date.parse(m.Created) })),
      );
      if (page.messages.length < 500) return out;
    }
  }

  /** Waits until `n` messages for `token` arrived, printing progress every 25 %. */
  async waitFor(label: string, token: string, n: number, timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    let shown = 0;
    for (;;) {
      const got = await this.count(token);
      const quarter = Math.floor((got / n) * 4);
      if (quarter > shown && quarter < 4) {
        shown = quarter;
        say(`    ${label}: ${got}/${n} emails after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      if (got >= n) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`${label}: only ${got}/${n} emails after ${timeoutMs / 1000} s`);
      await sleep(200);
    }
  }
}

/** Percentile (0–100) of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const median = (values: number[]) => percentile(values, 50);

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = (e: HistoryEvent) => String(e.eventType);

const eventMs = (e: HistoryEvent): number => tsToMs(e.eventTime);

/**
 * A document's re-plan after a rules change, from its history alone (no query, which would make the worker replay
 * it): the workflow task that handled the first `rulesChanged` signal since `sinceMs` and read the rules again (its
 * local activity's marker), and the workflow task timeouts since `sinceMs` by kind.
 */
export function rulesChangeSeen(
  events: HistoryEvent[],
  sinceMs: number,
): { replannedAtMs?: number; timeouts: { scheduleToStart: number; startToClose: number }; failed: number } {
  const timeouts = { scheduleToStart: 0, startToClose: 0 };
  let failed = 0;
  let signalled = false;
  let lastCompletedMs: number | undefined;
  let replannedAtMs: number | undefined;
  const { TimeoutType } = temporal.api.enums.v1;
  for (const e of events) {
    if (eventMs(e) < sinceMs) continue;
    const timedOut = e.workflowTaskTimedOutEventAttributes;
    if (timedOut) {
      if (timedOut.timeoutType === TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START) timeouts.scheduleToStart++;
      else timeouts.startToClose++;
    }
    if (e.workflowTaskFailedEventAttributes) failed++;
    if (e.workflowExecutionSignaledEventAttributes?.signalName === 'rulesChanged') signalled = true;
    if (e.workflowTaskCompletedEventAttributes) lastCompletedMs = eventMs(e);
    if (signalled && replannedAtMs === undefined && e.markerRecordedEventAttributes) replannedAtMs = lastCompletedMs;
  }
  return { replannedAtMs, timeouts, failed };
}

/** The events of one run's history. */
export async function historyOf(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

/**
 * What a history costs: events, workflow tasks, and Temporal Cloud actions as its events show them (a start, each
 * signal, each activity attempt, each timer, each search-attribute upsert, each accepted update, local activities
 * once per workflow task). Not in a history, so not counted: queries, heartbeats, rejected updates.
 */
export function historyCost(events: HistoryEvent[]): {
  events: number;
  workflowTasks: number;
  actions: number;
  upserts: number;
  markers: number;
  timedOut: number;
  failed: number;
} {
  let actions = 0,
    workflowTasks = 0,
    upserts = 0,
    markers = 0,
    timedOut = 0,
    failed = 0;
  let localActivityInTask = false;
  for (const e of events) {
    const type = EventType(e);
    if (/WORKFLOW_TASK_COMPLETED$|WorkflowTaskCompleted$/.test(type) || e.workflowTaskCompletedEventAttributes) {
      workflowTasks++;
      localActivityInTask = false;
    }
    if (e.workflowTaskTimedOutEventAttributes) timedOut++;
    if (e.workflowTaskFailedEventAttributes) failed++;
    if (e.workflowExecutionStartedEventAttributes) actions++;
    if (e.workflowExecutionSignaledEventAttributes) actions++;
    if (e.activityTaskStartedEventAttributes) actions += e.activityTaskStartedEventAttributes.attempt ?? 1;
    if (e.timerStartedEventAttributes) actions++;
    if (e.upsertWorkflowSearchAttributesEventAttributes) {
      actions++;
      upserts++;
    }
    if (e.workflowExecutionUpdateAcceptedEventAttributes) actions++;
    if (e.markerRecordedEventAttributes) {
      markers++;
      if (e.markerRecordedEventAttributes.markerName === 'core_local_activity' && !localActivityInTask) {
        localActivityInTask = true;
        actions++;
      }
    }
  }
  return { events: events.length, workflowTasks, actions, upserts, markers, timedOut, failed };
}

export const round1 = (v: number) => Math.round(v * 10) / 10;
export const round2 = (v: number) => Math.round(v * 100) / 100;
