import type { Migration } from '../migration';

/**
 * Digests and storm summaries (docs/digest.md). `digest_entries` holds what waits for a person's next digest or
 * summary: `bucket` is `daily` or `storm:<class>:<window start, epoch ms>`; `entry_key` is the document id for a
 * waiting document of the daily digest (its latest reminder replaces the earlier one) and the email's ledger key
 * otherwise. `storm_hits` ranks the emails of one class to one person in a window: one row per ledger key, so a
 * retried activity keeps its rank.
 */
export const digests: Migration = {
  name: '008_digests',
  up: `
    CREATE TABLE digest_entries (
      tenant_id text NOT NULL,
      recipient text NOT NULL,
      bucket text NOT NULL,
      entry_key text NOT NULL,
      ledger_key text NOT NULL,
      document_id text NOT NULL,
      document_type text,
      kind text NOT NULL CHECK (kind IN ('waiting', 'fyi')),
      subject text NOT NULL,
      status text,
      due_at timestamptz,
      since timestamptz NOT NULL,
      actions text[] NOT NULL DEFAULT '{}',
      task_id text,
      task_version integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, recipient, bucket, entry_key)
    );
    CREATE TABLE storm_hits (
      ledger_key text PRIMARY KEY,
      tenant_id text NOT NULL,
      recipient text NOT NULL,
      class text NOT NULL,
      window_start bigint NOT NULL,
      seq bigserial NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX storm_hits_window ON storm_hits (tenant_id, recipient, class, window_start, seq);
  `,
};
