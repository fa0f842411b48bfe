/**
 * The real docnotify worker as a child process, for the crash test (test/integration/crash.test.ts):
 *
 *   node --import tsx test/helpers/crash-worker.ts
 *
 * Configuration comes from the environment (loadConfig). Prints `ready` on stdout once both workers poll,
 * then runs until it is killed (the test sends SIGKILL: no graceful shutdown, no ledger update, nothing).
 */
import { loadConfig } from '../../src/config';
import { startWorker } from '../../src/worker';

async function main(): Promise<void> {
  const worker = await startWorker(loadConfig(process.env)); // bundles src/workflows itself (workflowsPath)
  process.stdout.write(`ready ${process.pid}\n`);
  await worker.done;
}

main().catch((e: unknown) => {
  process.stderr.write(`crash-worker: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
