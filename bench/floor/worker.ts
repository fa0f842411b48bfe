/**
 * The floor's worker process: `node --import tsx bench/floor/worker.ts` with TEMPORAL_ADDRESS, SMTP_URL,
 * TASK_QUEUE and SMTP_POOL_SIZE in the environment (as docnotify's worker, two workers on one connection).
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createFloorActivities } from './activities';

async function main(): Promise<void> {
  const env = (k: string) =>
    process.env[k] ??
    (() => {
      throw new Error(`${k} is not set`);
    })();
  const taskQueue = env('TASK_QUEUE');
  const activities = createFloorActivities(env('SMTP_URL'), Number(process.env.SMTP_POOL_SIZE ?? 5));
  const connection = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const workflows = await Worker.create({ connection, taskQueue, workflowsPath: require.resolve('./workflows') });
  const email = await Worker.create({
    connection,
    taskQueue: `${taskQueue}-email`,
    activities: { floorSend: activities.floorSend },
  });
  process.stdout.write('floor worker started\n');
  const stop = () => {
    workflows.shutdown();
    email.shutdown();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await Promise.all([workflows.run(), email.run()]);
  activities.close();
  await connection.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
