import type { Db } from './db';

/** The pipeline workflows to tell about a document's decisions (see migration 004). */
export class SubscriberStore {
  constructor(private readonly db: Db) {}

  /** Records that `workflowId` follows the document (idempotent: a retried or repeated report adds nothing). */
  async add(tenantId: string, documentId: string, workflowId: string): Promise<void> {
    await this.db.query(
      'INSERT INTO document_subscribers (tenant_id, document_id, workflow_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [tenantId, documentId, workflowId],
    );
  }

  /** The workflow ids that follow the document, oldest first. */
  async list(tenantId: string, documentId: string): Promise<string[]> {
    const r = await this.db.query<{ workflow_id: string }>(
      'SELECT workflow_id FROM document_subscribers WHERE tenant_id = $1 AND document_id = $2 ORDER BY created_at, workflow_id',
      [tenantId, documentId],
    );
    return r.rows.map((row) => row.workflow_id);
  }
}
