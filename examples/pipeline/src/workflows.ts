/**
 * An invoice pipeline as a Temporal workflow: capture → validation → approval → export. Every state change is
 * reported to docnotify from workflow code; the approval waits for the decision an approver takes from the email.
 */
import { proxyActivities } from '@temporalio/workflow';
import { nextDecision, reportDocumentEvent } from 'docnotify/workflows';
import type * as activities from './activities';

const { captureInvoice, validateInvoice, exportToErp } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
});

export interface PipelineResult {
  outcome: 'exported' | 'rejected' | 'invalid' | 'no decision';
  decidedBy?: string;
  erpId?: string;
}

export async function invoicePipeline(invoice: activities.Invoice): Promise<PipelineResult> {
  const doc = { tenantId: invoice.tenantId, documentId: invoice.documentId, documentType: 'invoice' } as const;

  await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'received' });
  const fields = await captureInvoice(invoice);
  await reportDocumentEvent({ ...doc, type: 'fields_updated', fields });

  await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'processing' });
  const problems = await validateInvoice(fields);
  if (problems.length > 0) {
    await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'error', errorMessage: problems.join('; ') });
    return { outcome: 'invalid' };
  }

  await reportDocumentEvent({ ...doc, type: 'assigned', assignee: invoice.approver });
  await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'pending_approval' });
  const decision = await nextDecision(invoice.documentId, '14 days');
  if (!decision?.decision) return { outcome: 'no decision' };
  if (decision.decision.action !== 'approve') {
    await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'rejected', reason: decision.decision.reason });
    return { outcome: 'rejected', decidedBy: decision.decision.actor };
  }

  await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'approved', actor: decision.decision.actor });
  const erpId = await exportToErp(invoice);
  await reportDocumentEvent({ ...doc, type: 'status_changed', status: 'exported' });
  return { outcome: 'exported', decidedBy: decision.decision.actor, erpId };
}
