/** The benchmark's table and its targets (issue 10). */
import type { LongLife, OpenDocuments, RuleEdit, Throughput, TimerStorm } from './parts';

export interface Report {
  date: string;
  mode: string;
  machine: string;
  options: { open: number };
  worker: { cachedWorkflows: number; heapMb: number };
  throughput: Throughput;
  open: OpenDocuments;
  ruleEdit: RuleEdit;
  storm: TimerStorm;
  longLife: LongLife;
}

/**
 * Seconds within which every affected document has a rule change: N at the fan-out's rate, or at the workers' when
 * they are slower (the fan-out waits for them: RULES_FANOUT_MAX_LAG), plus 30 s. The workers' rate is what this run
 * measured while the documents were planned first (N / the seconds until all were planned).
 */
export const changeBoundSeconds = (r: Pick<Report, 'ruleEdit' | 'open'>): number =>
  Math.round(r.ruleEdit.documents / Math.min(r.ruleEdit.ratePerSecond, workersRate(r)) + 30);

/** Documents the workers planned per second while the open documents were ingested. */
const workersRate = (r: Pick<Report, 'open'>): number =>
  r.open.plannedAfterSeconds > 0 ? r.open.documents / r.open.plannedAfterSeconds : Infinity;

export const targets: { name: string; met: (r: Report) => boolean }[] = [
  { name: 'first email >= 0.9 x the floor (emails/s)', met: (r) => r.throughput.ratio >= 0.9 },
  {
    name: 'first email p99 <= 1.5 x the floor p99',
    met: (r) => r.throughput.docnotify.p99Ms <= 1.5 * r.throughput.floor.p99Ms,
  },
  {
    name: 'Temporal actions per email <= the floor + 2',
    met: (r) => r.throughput.docnotify.actions <= r.throughput.floor.actions + 2,
  },
  {
    name: 'no search attribute upsert without a change (first email: 0)',
    met: (r) => r.throughput.docnotify.upserts === 0,
  },
  { name: 'worker RSS <= 512 MB with the open documents', met: (r) => r.open.peakRssMb <= 512 },
  { name: 'rule edit answers in < 1 s', met: (r) => r.ruleEdit.httpMs < 1000 },
  {
    name: "every affected document takes the change within N / min(rate, the workers' rate) + 30 s",
    met: (r) => r.ruleEdit.changed === r.ruleEdit.documents && r.ruleEdit.allChangedSeconds <= changeBoundSeconds(r),
  },
  {
    name: 'no workflow task timeouts or failures during the rule edit',
    met: (r) => r.ruleEdit.workflowTaskTimeouts + r.ruleEdit.workflowTaskFailures === 0,
  },
  { name: 'timer storm lateness p99 <= 2 s', met: (r) => r.storm.lateP99Ms <= 2000 },
];

export function renderReport(r: Report): { table: string; failed: string[] } {
  const t = r.throughput;
  const rows: [string, string, string][] = [
    ['', 'floor', 'docnotify'],
    [
      `first email: emails/s (median of ${t.rounds} × ${t.emailsPerRound})`,
      String(t.floor.emailsPerSecond),
      `${t.docnotify.emailsPerSecond}  (ratio ${t.ratio}; rounds ${t.ratios.join(', ')})`,
    ],
    [
      'event → SMTP accepted p50 / p99 (ms)',
      `${t.floor.p50Ms} / ${t.floor.p99Ms}`,
      `${t.docnotify.p50Ms} / ${t.docnotify.p99Ms}`,
    ],
    [
      'CPU per email (ms): worker process / whole machine',
      `${t.floor.workerCpuMs} / ${t.floor.machineCpuMs}`,
      `${t.docnotify.workerCpuMs} / ${t.docnotify.machineCpuMs}`,
    ],
    [
      'history events / workflow tasks per email',
      `${t.floor.historyEvents} / ${t.floor.workflowTasks}`,
      `${t.docnotify.historyEvents} / ${t.docnotify.workflowTasks}`,
    ],
    [
      'Temporal actions / search-attribute upserts per email',
      `${t.floor.actions} / ${t.floor.upserts}`,
      `${t.docnotify.actions} / ${t.docnotify.upserts}`,
    ],
    [
      `open documents (worker: cache ${r.worker.cachedWorkflows}, heap ${r.worker.heapMb} MB)`,
      '',
      String(r.open.documents),
    ],
    ['  ingest events/s; all planned after (s)', '', `${r.open.ingestEventsPerSecond}; ${r.open.plannedAfterSeconds}`],
    [
      `  worker RSS after ingest / after ${r.open.settleSeconds} s / peak (MB)`,
      '',
      `${r.open.rssAfterIngestMb} / ${r.open.rssAfterSettleMb} / ${r.open.peakRssMb}`,
    ],
    ['  worker heap used after settling (MB)', '', String(r.open.heapUsedAfterSettleMb)],
    [`rule edit with ${r.ruleEdit.documents} open: HTTP (ms)`, '', String(r.ruleEdit.httpMs)],
    [
      `  fan-out done / every document re-planned (s), rate ${r.ruleEdit.ratePerSecond}/s`,
      '',
      `${r.ruleEdit.fanOutSeconds} / ${r.ruleEdit.allChangedSeconds}  (bound ${changeBoundSeconds(r)}; workers ${workersRate(r).toFixed(1)}/s)`,
    ],
    ['  documents changed; worker RSS peak (MB)', '', `${r.ruleEdit.changed}; ${r.ruleEdit.workerPeakRssMb}`],
    [
      '  workflow task timeouts / failures since the edit',
      '',
      `${r.ruleEdit.workflowTaskTimeouts} / ${r.ruleEdit.workflowTaskFailures}${
        r.ruleEdit.workflowTaskTimeoutsByKind
          ? `  (schedule-to-start ${r.ruleEdit.workflowTaskTimeoutsByKind.scheduleToStart}, start-to-close ${r.ruleEdit.workflowTaskTimeoutsByKind.startToClose})`
          : ''
      }`,
    ],
    [
      `timer storm: ${r.storm.documents} due in one second, lateness p50 / p99 / max (ms)`,
      '',
      `${r.storm.lateP50Ms} / ${r.storm.lateP99Ms} / ${r.storm.lateMaxMs}`,
    ],
    [
      `  SMTP alone: the same ${r.storm.documents} built beforehand, sent at once over ${r.storm.smtp.poolSize} connections`,
      '',
      `${r.storm.smtp.lateP50Ms} / ${r.storm.smtp.lateP99Ms} / ${r.storm.smtp.lateMaxMs}`,
    ],
    [
      `lifecycle (approval, 3 reminders, escalation, link decision, confirmation, exported): emails`,
      '',
      String(r.longLife.lifecycle.emails),
    ],
    [
      '  history events / KB / workflow tasks; Temporal actions; upserts',
      '',
      `${r.longLife.lifecycle.events} / ${Math.round(r.longLife.lifecycle.historyBytes / 1024)} / ${r.longLife.lifecycle.workflowTasks}; ${r.longLife.lifecycle.actions}; ${r.longLife.lifecycle.upserts}`,
    ],
    [
      `long life: ${r.longLife.days} days of daily reminders: emails; runs`,
      '',
      `${r.longLife.emails}; ${r.longLife.runs} (events ${r.longLife.eventsPerRun.join(', ')})`,
    ],
    [
      '  longest run: events / KB; its replay (ms); events per email',
      '',
      `${r.longLife.longestRunEvents} / ${Math.round(r.longLife.longestRunBytes / 1024)}; ${r.longLife.replayLongestMs}; ${r.longLife.eventsPerReminder}`,
    ],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`.trimEnd());
  const failed = targets.filter((x) => !x.met(r)).map((x) => x.name);
  lines.push('', 'targets:', ...targets.map((x) => `  [${x.met(r) ? 'met' : 'MISSED'}] ${x.name}`));
  return { table: lines.join('\n'), failed };
}
