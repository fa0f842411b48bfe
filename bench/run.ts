/**
 * `npm run bench` — docnotify at scale, measured against the engine floor on the same server, in one run.
 *
 *   npm run bench [-- --quick] [--cluster] [--open N] [--rounds R] [--emails N] [--warmup N] [--storm N] [--days D] [--settle S] [--no-write]
 *                 [--only throughput,open,storm,long-life]   (those parts only: their figures as JSON, no table)
 *   npm run bench -- --report bench/results/<date>.json   (no run: the table of a saved run, written to docs/performance.md)
 *   BENCH_CPU_PROFILE=<dir>: the floor and docnotify workers write V8 CPU profiles (every thread) to <dir>/floor, <dir>/worker
 *
 * Parts (each prints progress; the table at the end):
 *   1. first email: docnotify vs the floor (bench/floor: signal-with-start, one activity on a second task queue
 *      sending through pooled nodemailer, completion), after a warm-up round of each (--warmup, not counted),
 *      alternating rounds: emails/s and their ratio, event→SMTP latency p50/p99, history events, workflow tasks and
 *      Temporal actions per email, CPU per email of each worker process and of the whole machine.
 *   2. open documents: N documents in pending_approval with reminders days away; RSS and heap of the separate
 *      `docnotify worker` process after ingest and after S seconds; ingest events/s.
 *   3. rule edit with those N documents open, through a separate `docnotify serve`: HTTP latency, time until every
 *      document re-planned with the new rules version, worker RSS peak, workflow task timeouts/failures.
 *   4. timer storm: documents whose overdue notice falls due in the same second: lateness of SMTP acceptance.
 *   5. long life: a year of daily reminders on the time-skipping server: runs, events per run, replay time.
 *
 * Uses TEMPORAL_ADDRESS, SMTP_URL, MAILPIT_URL and DATABASE_URL when all are set (e.g. the test stack); else starts
 * a throwaway dev server, Mailpit and PostgreSQL. `--cluster` starts the real Temporal server on PostgreSQL instead
 * (src/dev/cluster.ts, docs/cluster.md) and ignores those variables. Writes bench/results/<date>.json and
 * docs/performance.md (not with --quick, --cluster or --no-write; a --cluster run writes bench/results/<date>-cluster.json).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DocnotifyClient } from '../src/client';
import { loadConfig } from '../src/config';
import { findFreePorts } from '../src/dev/services';
import { openStores } from '../src/store';
import { Catcher, openClusterStack, openStack, ROOT, say, startProc, temporalClient } from './lib';
import { longLife, openDocuments, ruleEdit, throughput, timerStorm, type Env } from './parts';
import { renderReport, targets, type Report } from './report';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    open: { type: 'string' },
    rounds: { type: 'string' },
    emails: { type: 'string' },
    warmup: { type: 'string' },
    storm: { type: 'string' },
    days: { type: 'string' },
    settle: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    only: { type: 'string' },
    report: { type: 'string' },
  },
  strict: true,
});

const num = (name: keyof typeof args, full: number, quick: number): number => {
  const raw = args[name];
  if (raw === undefined) return args.quick ? quick : full;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: "${String(raw)}" is not a positive whole number`);
  return v;
};

/** What `docnotify worker` runs with by default (bin/docnotify, the Docker image, WORKER_MAX_CACHED_WORKFLOWS). */
export const WORKER_SETTINGS = { cachedWorkflows: 250, heapMb: 256 };

/** `--report <file>`: the table and targets of a saved run, and its "Latest run" section of docs/performance.md. */
function reportOnly(file: string): void {
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as Report & { machine: string };
  const { table, failed } = renderReport(report);
  say(table);
  updatePerformanceDoc(report.date.slice(0, 10), report.machine, table);
  say(`written: docs/performance.md`);
  if (failed.length) say(`targets missed: ${failed.join('; ')}`);
}

async function main(): Promise<void> {
  if (args.report) return reportOnly(args.report);
  const opts = {
    rounds: num('rounds', 3, 1),
    emails: num('emails', 200, 20),
    warmup: num('warmup', 50, 5),
    open: num('open', 10_000, 200),
    settle: num('settle', 300, 10),
    storm: num('storm', 1000, 30),
    days: num('days', 365, 20),
  };
  const PARTS = ['throughput', 'open', 'storm', 'long-life'];
  const only = args.only?.split(',').map((x) => x.trim());
  const unknown = only?.filter((x) => !PARTS.includes(x));
  if (unknown?.length) throw new Error(`--only: "${unknown.join(', ')}" is not a part (${PARTS.join(', ')})`);
  const want = (part: string) => !only || only.includes(part);
  const started = new Date();
  say(
    `docnotify benchmark (${args.quick ? 'quick' : 'full'}${args.cluster ? ', cluster' : ''}): ${JSON.stringify(opts)}`,
  );
  const stack = args.cluster ? await openClusterStack() : await openStack();
  const run = randomUUID().slice(0, 6);
  const taskQueue = `bench-${run}`;
  const floorTaskQueue = `floor-${run}`;
  const [metricsPort, webPort] = await findFreePorts(2);
  const secrets = { API_TOKEN: `bench-token-${randomUUID()}`, ACTION_LINK_SECRET: `bench-secret-${randomUUID()}` };
  const serviceEnv = {
    TEMPORAL_ADDRESS: stack.temporalAddress,
    DATABASE_URL: stack.databaseUrl,
    SMTP_URL: stack.smtpUrl,
    TASK_QUEUE: taskQueue,
    LOG_LEVEL: 'info',
    DOCNOTIFY_NO_DEV_ENV: '1',
    ...secrets,
  };
  const config = loadConfig({ ...serviceEnv, LOG_LEVEL: 'warn' });
  const stores = await openStores(stack.databaseUrl, config, { max: 10 });
  // docnotify's worker and web server run as production does: the compiled build with its prebuilt workflow bundle.
  say('building docnotify (npm run build), then starting the floor worker, `docnotify worker` and `docnotify serve`');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const floorWorker = await startProc(
    'floor worker',
    [
      ...(process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}/floor`] : []),
      '--import',
      'tsx',
      'bench/floor/worker.ts',
    ],
    { ...serviceEnv, TASK_QUEUE: floorTaskQueue },
    'floor worker started',
  );
  const worker = await startProc(
    'docnotify worker',
    [
      `--max-old-space-size=${WORKER_SETTINGS.heapMb}`,
      ...(process.env.BENCH_CPU_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}/worker`]
        : []),
      'dist/cli/main.js',
      'worker',
    ],
    {
      ...serviceEnv,
      METRICS_PORT: String(metricsPort),
      WORKER_MAX_CACHED_WORKFLOWS: String(WORKER_SETTINGS.cachedWorkflows),
    },
    'worker started',
  );
  const web = await startProc(
    'docnotify serve',
    ['dist/cli/main.js', 'serve'],
    { ...serviceEnv, PORT: String(webPort) },
    'HTTP server listening',
  );
  const temporal = await temporalClient(stack.temporalAddress);
  const env: Env = {
    stack,
    temporal,
    docnotify: new DocnotifyClient(temporal, taskQueue),
    stores,
    catcher: new Catcher(stack.mailpitUrl),
    worker,
    floorWorker,
    workerMetrics: `http://127.0.0.1:${metricsPort}/metrics`,
    taskQueue,
    floorTaskQueue,
  };
  const results: Record<string, unknown> = {};
  try {
    await env.catcher.clear();
    if (want('throughput')) {
      say(`\n1/5 first email: docnotify against the floor, ${opts.rounds} round(s) of ${opts.emails}`);
      results.throughput = await throughput(env, opts.rounds, opts.emails, opts.warmup);
    }
    await floorWorker.stop();
    if (want('open')) {
      say(`\n2/5 open documents: ${opts.open} in pending_approval, reminders days away`);
      const open = await openDocuments(env, opts.open, opts.settle);
      results.open = open.figures;
      say(`\n3/5 rule edit with ${opts.open} documents open`);
      results.ruleEdit = await ruleEdit(
        env,
        { url: `http://127.0.0.1:${webPort}`, token: secrets.API_TOKEN },
        open.ruleId,
        opts.open,
        config.RULES_FANOUT_RATE,
      );
    }
    if (want('storm')) {
      say(`\n4/5 timer storm: ${opts.storm} documents due in the same second`);
      results.storm = await timerStorm(env, opts.storm);
    }
    if (want('long-life')) {
      say(`\n5/5 long life: ${opts.days} days of daily reminders (time-skipping server)`);
      results.longLife = await longLife(stack, stores, opts.days);
    }
  } finally {
    await Promise.all([web.stop(), worker.stop(), floorWorker.stop()]);
    await temporal.connection.close();
    await stores.db.end();
    await stack.stop();
  }
  if (only) {
    say(`\n${JSON.stringify(results, null, 2)}`);
    return;
  }
  const server = 'description' in stack ? stack.description : 'Temporal dev server (CLI v1.5.1, server 1.29.1, SQLite)';
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${server}`;
  const report = {
    date: started.toISOString(),
    mode: args.quick ? 'quick' : 'full',
    ...(args.cluster ? { server: 'cluster' } : {}),
    machine,
    options: opts,
    worker: WORKER_SETTINGS,
    ...results,
  };
  const { table, failed } = renderReport(report as never);
  say(`\n${table}`);
  if (!args.quick && !args['no-write']) {
    const day = started.toISOString().slice(0, 10);
    fs.mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
    const file = path.join(ROOT, 'bench', 'results', `${day}${args.cluster ? '-cluster' : ''}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    // docs/performance.md's "Latest run" is the dev server's; a cluster run is kept beside it in bench/results only.
    if (!args.cluster) updatePerformanceDoc(day, machine, table);
    say(`written: ${path.relative(process.cwd(), file)}${args.cluster ? '' : ', docs/performance.md'}`);
  }
  if (failed.length) say(`targets missed: ${failed.join('; ')}`);
  say(`targets met: ${targets.length - failed.length} of ${targets.length}`);
}

/** Replaces the "Latest run" section of docs/performance.md with this run's table (the rest is hand-written). */
function updatePerformanceDoc(day: string, machine: string, table: string): void {
  const file = path.join(ROOT, 'docs', 'performance.md');
  const begin = '<!-- bench:begin -->';
  const end = '<!-- bench:end -->';
  const section = `${begin}\n## Latest run: ${day}\n\nMachine: ${machine}.\n\n\`\`\`\n${table}\n\`\`\`\n${end}`;
  const doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Performance\n\n${begin}\n${end}\n`;
  fs.writeFileSync(
    file,
    doc.includes(begin) ? doc.replace(new RegExp(`${begin}[\\s\\S]*${end}`), section) : `${doc}\n${section}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
