import type { Migration } from '../migration';

/**
 * A rules version per tenant, bumped by every change of its rules or calendars, and the changes themselves as an
 * outbox: the fan-out that tells running workflows reads what is still to be told from here, so a change committed
 * just before a web server died is told by the next fan-out instead of never.
 */
export const rulesVersions: Migration = {
  name: '002_rules_versions',
  up: `
    CREATE TABLE rules_versions (
      tenant_id text PRIMARY KEY,
      version bigint NOT NULL
    );

    CREATE TABLE rules_changes (
      tenant_id text NOT NULL,
      version bigint NOT NULL,
      scope jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      told_at timestamptz,
      PRIMARY KEY (tenant_id, version)
    );
    CREATE INDEX rules_changes_untold ON rules_changes (tenant_id, version) WHERE told_at IS NULL;
  `,
};
