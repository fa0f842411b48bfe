import { createServer, type AddressInfo } from 'node:net';
import { NativeConnection, Runtime, Worker, DefaultLogger, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps } from './activities';
import { createFanOutActivities } from './activities/fanout';
import { fanOutMaxLagMs, required, type Config } from './config';
import { emailTaskQueue, scheduledEmailTaskQueue } from './domain/queues';
import { Mailer } from './email/transport';
import { Keyring } from './links/token';
import { createLogger } from './log';
import { openStores, type Stores } from './store';
import { workflowBundlePath } from './workflow-bundle';
import { describeConnection } from './temporal';
import { probe } from './health';
import { startTracing, workerTracing } from './tracing';

export interface RunningWorker {
  /** Resolves when both workers stopped. */
  done: Promise<void>;
  /** Temporal connected, every worker polling, PostgreSQL and SMTP answering: `ok` or the problem, per check. */
  health(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** The SDK's own Prometheus metrics (core: polls, task latencies, slots, cache), when the runtime exports them. */
  sdkMetricsUrl?: string;
  /** Graceful shutdown: finishes in-flight activities, then closes the SMTP pool and the database. */
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * Starts the docnotify worker: the document workflows with their bookkeeping activities on TASK_QUEUE,
 * and the email-sending activities on `<TASK_QUEUE>-email` with their own concurrency and rate.
 */
export async function startWorker(
  config: Config,
  opts: {
    stores?: Stores;
    log?: Logger;
    workflowBundle?: WorkerOptions['workflowBundle'];
    /** An open connection to use (the pipeline's, through the plugin): then neither created nor closed here. */
    connection?: NativeConnection;
  } = {},
): Promise<RunningWorker> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL, 'worker');
  let sdkMetricsUrl: string | undefined;
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    // With METRICS_PORT the SDK exports its metrics on a loopback port of its own; the worker's /metrics adds them.
    const sdkPort = config.METRICS_PORT ? await freeLoopbackPort() : undefined;
    try {
      Runtime.install({
        logger: new DefaultLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN'),
        ...(sdkPort
          ? {
              telemetryOptions: {
                metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}`, countersTotalSuffix: true } },
              },
            }
          : {}),
      });
      if (sdkPort) sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
    } catch {
      // A runtime exists already in this process (a test environment, the benchmark): the worker uses it.
    }
  }
  const stores = opts.stores ?? (await openStores(required(config, 'DATABASE_URL', 'by the worker'), config));
  const mailer = new Mailer({ ...config, SMTP_URL: required(config, 'SMTP_URL', 'by the worker') });
  const deps: ActivityDeps = {
    config,
    ...stores,
    mailer,
    keyring: config.ACTION_LINK_SECRET ? Keyring.fromString(config.ACTION_LINK_SECRET) : undefined,
    log,
  };
  const activities = createActivities(deps);
  const fanOut = createFanOutActivities({
    rulesVersions: stores.rulesVersions,
    ratePerSecond: config.RULES_FANOUT_RATE,
    maxLagMs: fanOutMaxLagMs(config),
    log,
  });
  const { address, tls, apiKey, metadata } = config.temporal;
  const connection =
    opts.connection ??
    (await NativeConnection.connect({ address, tls, apiKey, metadata }).catch((e: Error) => {
      throw new Error(`could not connect to ${describeConnection(config.temporal)}: ${e.message}`);
    }));
  const tracing = startTracing(config, 'docnotify-worker'); // undefined (and nothing loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set
  const workflowBundle = opts.workflowBundle ?? (await workflowBundlePath({ traced: tracing !== undefined }));
  const workflows = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    workflowBundle,
    activities: {
      loadContext: activities.loadContext,
      loadContextAndPrepare: activities.loadContextAndPrepare,
      prepareNotification: activities.prepareNotification,
      withdrawEmails: activities.withdrawEmails,
      deliverDecision: activities.deliverDecision,
      digestSchedule: activities.digestSchedule,
      ...fanOut,
    },
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    ...workerTracing(),
  });
  const email = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: emailTaskQueue(config.TASK_QUEUE),
    activities: { sendEmail: activities.sendEmail, sendDigest: activities.sendDigest },
    maxConcurrentActivityTaskExecutions: config.SMTP_POOL_SIZE * 4,
    ...workerTracing(),
    ...(config.SMTP_RATE_PER_SECOND > 0 ? { maxTaskQueueActivitiesPerSecond: config.SMTP_RATE_PER_SECOND } : {}),
  });
  // Emails prepared ahead (SEND_AHEAD) wait here for their instant: waiting costs a slot but no SMTP connection.
  const scheduled = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: scheduledEmailTaskQueue(config.TASK_QUEUE),
    activities: { sendEmail: activities.sendEmail },
    maxConcurrentActivityTaskExecutions: config.SEND_AHEAD_MAX_HELD,
    ...workerTracing(),
    ...(config.SMTP_RATE_PER_SECOND > 0 ? { maxTaskQueueActivitiesPerSecond: config.SMTP_RATE_PER_SECOND } : {}),
  });
  const workers = [workflows, email, scheduled];
  log.info({ taskQueue: config.TASK_QUEUE, emailTaskQueue: emailTaskQueue(config.TASK_QUEUE) }, 'worker started');
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    mailer.close();
    if (!opts.connection) await connection.close();
    if (!opts.stores) await stores.db.end();
    await tracing?.shutdown();
  });
  return {
    done,
    sdkMetricsUrl,
    async health() {
      const [temporal, database, smtp] = await Promise.all([
        probe(() => connection.healthService.check({})),
        probe(() => stores.db.query('SELECT 1')),
        probe(() => mailer.verify()),
      ]);
      const stopped = workers
        .filter((w) => w.getState() !== 'RUNNING')
        .map((w) => `${w.options.taskQueue}: ${w.getState()}`);
      const checks = { temporal, polling: stopped.length === 0 ? 'ok' : stopped.join(', '), database, smtp };
      return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
    },
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
