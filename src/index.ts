/**
 * docnotify's package entry (`import ... from 'docnotify'`). The other entries: `docnotify/client` (the client
 * alone), `docnotify/plugin` (the Temporal plugin for a pipeline's worker), `docnotify/workflows` (for pipeline
 * workflow code: `reportDocumentEvent`, `nextDecision`, the `documentDecision` signal).
 */
export {
  DocnotifyClient,
  NotFoundError,
  ValidationError,
  type ClientOptions,
  type DecisionOutcome,
  type DocumentSummary,
  type EventInput,
} from './client';
export { ConfigError, loadConfig, type Config } from './config';
export { docnotifyPlugin, DocnotifyPlugin, type DocnotifyPluginOptions } from './plugin';
export { startWorker, type RunningWorker } from './worker';
export type { DocumentDecision, DocnotifyPipelineActivities, PipelineEvent } from './workflows/pipeline';
export type { DocumentView, ResolveTaskInput, ResolveTaskResult, SnoozeInput, SnoozeResult } from './workflows/types';
