import type { Migration } from '../migration';

/**
 * Pipeline workflows that reported events of a document from workflow code (the plugin's `reportDocumentEvent`
 * activity): its decisions are signalled to them as well as posted to the tenant's webhook.
 */
export const documentSubscribers: Migration = {
  name: '004_document_subscribers',
  up: `
    CREATE TABLE document_subscribers (
      tenant_id text NOT NULL,
      document_id text NOT NULL,
      workflow_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, document_id, workflow_id)
    );
  `,
};
