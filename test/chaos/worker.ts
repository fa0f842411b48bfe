/**
 * One docnotify worker process of the chaos suite (test/chaos/run.ts): the real `startWorker` with the real
 * activities, configured from the environment like `docnotify worker`, with the workflow bundle the suite built
 * once (DOCNOTIFY_CHAOS_BUNDLE), so that a worker restarted after a SIGKILL polls again in seconds.
 * Prints `ready <pid>` once polling; SIGTERM shuts it down gracefully; SIGKILL is the point.
 */
import { loadConfig } from '../../src/config';
import { startWorker } from '../../src/worker';

async function main(): Promise<void> {
  const bundle = process.env.DOCNOTIFY_CHAOS_BUNDLE;
  const worker = await startWorker(loadConfig(process.env), bundle ? { workflowBundle: { codePath: bundle } } : {});
  process.once('SIGTERM', () => void worker.shutdown());
  process.stdout.write(`ready ${process.pid}\n`);
  await worker.done;
}

main().catch((e: unknown) => {
  process.stderr.write(`chaos worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
