import type { Migration } from '../migration';

/**
 * Suppressed addresses per tenant: an address with a permanent failure (a 5xx reply with enhanced code 5.1.x, a
 * bounce) or added by an administrator gets no more email from the tenant until the suppression is lifted.
 * `email` is stored lower-cased.
 */
export const suppressions: Migration = {
  name: '006_suppressions',
  up: `
    CREATE TABLE suppressions (
      tenant_id text NOT NULL,
      email text NOT NULL,
      reason text NOT NULL,
      source text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, email)
    );
  `,
};
