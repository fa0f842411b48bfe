import type { Migration } from '../migration';

/**
 * Tenant-scoped credentials and the audit log (issue 12): API keys bound to one tenant and a scope (only a hash of
 * the secret is kept), named administrator accounts per tenant (scrypt password hashes), failed sign-ins counted
 * per account and per network across every web process, and who changed what.
 */
export const access: Migration = {
  name: '005_access',
  up: `
    CREATE TABLE api_keys (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      scope text NOT NULL CHECK (scope IN ('ingest', 'admin')),
      name text NOT NULL,
      secret_hash bytea NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_tenant ON api_keys (tenant_id, created_at);
    CREATE TABLE admin_accounts (
      username text PRIMARY KEY,
      tenant_id text NOT NULL,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      password_changed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX admin_accounts_tenant ON admin_accounts (tenant_id, username);
    CREATE TABLE signin_failures (
      key text PRIMARY KEY,
      failures integer NOT NULL,
      window_start timestamptz NOT NULL
    );
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      tenant_id text NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb
    );
    CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC, id DESC);
  `,
};
