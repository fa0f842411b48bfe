import type { Config } from '../../src/config';
import { openStores, type Stores } from '../../src/store';
import { startWorker, type RunningWorker } from '../../src/worker';
import { workflowBundle } from './env';

/** Starts the real worker (real activities, real SMTP and PostgreSQL) in this process, on the config's task queue. */
export async function startTestWorker(
  config: Config,
  stores?: Stores,
): Promise<{ worker: RunningWorker; stores: Stores; stop(): Promise<void> }> {
  const own = !stores;
  const s = stores ?? (await openStores(config.DATABASE_URL!, config, { max: 5 }));
  const worker = await startWorker(config, { stores: s, workflowBundle: await workflowBundle() });
  return {
    worker,
    stores: s,
    async stop() {
      await worker.shutdown();
      if (own) await s.db.end();
    },
  };
}
