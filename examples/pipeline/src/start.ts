/** Starts one invoice through the pipeline: `npm run start-invoice -- INV-1 approver@example.com`. */
import { Client, Connection } from '@temporalio/client';
import { invoicePipeline } from './workflows';

async function main(): Promise<void> {
  const [documentId = `INV-${Date.now()}`, approver = 'approver@example.com'] = process.argv.slice(2);
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? 'localhost:7233' });
  const client = new Client({ connection, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default' });
  const handle = await client.workflow.start(invoicePipeline, {
    workflowId: `invoice-pipeline/${documentId}`,
    taskQueue: process.env.PIPELINE_TASK_QUEUE ?? 'invoice-pipeline',
    args: [{ documentId, tenantId: 'default', supplier: 'ACME Tools S.L.', amount: 1234.5, currency: 'EUR', approver }],
  });
  console.log(`started ${handle.workflowId}: the approval email goes to ${approver}; waiting for the result`);
  console.log(await handle.result());
  await connection.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
