/**
 * docnotify as a Temporal plugin for a pipeline's own worker:
 *
 *   const worker = await Worker.create({ connection, taskQueue: 'pipeline', workflowsPath, plugins: [docnotifyPlugin()] });
 *
 * It adds the `reportDocumentEvent` activity (for pipeline workflow code, see `docnotify/workflows`) to that worker,
 * and, while the worker runs, runs docnotify's own workers beside it on the same connection and namespace: the
 * document workflows on TASK_QUEUE (default `docnotify`) and the email queues. The SDK gives a worker one
 * `workflowsPath`, so docnotify's workflows are not mixed into the pipeline's: they run from docnotify's prebuilt
 * bundle in a worker of their own, with their own cache and slots. Configuration comes from the same variables as the
 * standalone worker (DATABASE_URL, SMTP_URL, ACTION_LINK_SECRET, ...; see the README), from `options.env`.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { SimplePlugin } from '@temporalio/plugin';
import type { Worker } from '@temporalio/worker';
import { DocnotifyClient } from './client';
import { loadConfig, required, type Config } from './config';
import { parseEvent } from './domain/events';
import { ValidationError } from './errors';
import { openStores, type Stores } from './store';
import { startWorker } from './worker';
import type { DocnotifyPipelineActivities } from './workflows/pipeline';

export interface DocnotifyPluginOptions {
  /** docnotify's configuration variables. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Run docnotify's workers beside the pipeline's worker. Turn off when dedicated `docnotify worker` processes poll
   * TASK_QUEUE: the pipeline's worker then only gets `reportDocumentEvent`. @default true
   */
  runWorkers?: boolean;
}

export class DocnotifyPlugin extends SimplePlugin {
  readonly config: Config;
  private readonly runWorkers: boolean;
  private stores?: Promise<Stores>;

  constructor(options: DocnotifyPluginOptions = {}) {
    const config = loadConfig(options.env ?? process.env);
    const activities: DocnotifyPipelineActivities = {
      reportDocumentEvent: (event) => this.reportDocumentEvent(event),
    };
    super({ name: 'docnotify', activities });
    this.config = config;
    this.runWorkers = options.runWorkers ?? true;
  }

  override async runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    if (!this.runWorkers) {
      try {
        return await super.runWorker(worker, next);
      } finally {
        await this.close();
      }
    }
    const namespace = worker.options.namespace;
    const config: Config = {
      ...this.config,
      TEMPORAL_NAMESPACE: namespace,
      temporal: { ...this.config.temporal, namespace },
    };
    const docnotify = await startWorker(config, { connection: worker.connection, stores: await this.openStores() });
    let failure: unknown;
    const stopped = docnotify.done.catch((e: unknown) => {
      // docnotify's workers failed: stop the pipeline's worker too, so that the failure is not silent.
      failure = e;
      if (worker.getState() === 'RUNNING') worker.shutdown();
    });
    try {
      await super.runWorker(worker, next);
    } finally {
      if (!failure) await docnotify.shutdown().catch(() => undefined);
      await stopped;
      await this.close();
    }
    if (failure) throw failure;
  }

  /** The `reportDocumentEvent` activity: validated like every other door, then signal-with-start. */
  private async reportDocumentEvent(input: Parameters<DocnotifyPipelineActivities['reportDocumentEvent']>[0]) {
    const ctx = Context.current();
    let event;
    try {
      event = parseEvent(input);
    } catch (e) {
      if (e instanceof ValidationError) throw ApplicationFailure.nonRetryable(e.message, 'ValidationError');
      throw e;
    }
    // Decisions on the document are signalled to the reporting workflow (recorded before the event can open a task).
    const reporter = ctx.info.workflowExecution?.workflowId;
    if (reporter) await (await this.openStores()).subscribers.add(event.tenantId, event.documentId, reporter);
    const sent = await new DocnotifyClient(ctx.client, this.config.TASK_QUEUE).sendEvent(input);
    return { workflowId: sent.workflowId, eventId: sent.eventId };
  }

  private openStores(): Promise<Stores> {
    this.stores ??= openStores(required(this.config, 'DATABASE_URL', 'by the docnotify plugin'), this.config).catch(
      (e: unknown) => {
        this.stores = undefined;
        throw e;
      },
    );
    return this.stores;
  }

  private async close(): Promise<void> {
    const stores = this.stores;
    this.stores = undefined;
    if (stores) await (await stores.catch(() => undefined))?.db.end();
  }
}

/** The docnotify plugin for a pipeline's `Worker` (see the module comment). */
export function docnotifyPlugin(options: DocnotifyPluginOptions = {}): DocnotifyPlugin {
  return new DocnotifyPlugin(options);
}
