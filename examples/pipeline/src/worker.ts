/**
 * The pipeline's worker, with docnotify added as a plugin: it registers `reportDocumentEvent` here and runs
 * docnotify's document workflows and email queues beside this worker, on the same connection.
 *
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, PIPELINE_TASK_QUEUE (default invoice-pipeline), and docnotify's
 * own variables (DATABASE_URL, SMTP_URL, MAIL_FROM, PUBLIC_BASE_URL, ACTION_LINK_SECRET, TASK_QUEUE, ...).
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { docnotifyPlugin } from 'docnotify/plugin';
import * as activities from './activities';

async function main(): Promise<void> {
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: process.env.PIPELINE_TASK_QUEUE ?? 'invoice-pipeline',
    workflowsPath: require.resolve('./workflows'),
    activities,
    plugins: [docnotifyPlugin()],
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => worker.shutdown());
  console.log(`pipeline worker polling ${worker.options.taskQueue}, docnotify beside it`);
  await worker.run();
  await connection.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
