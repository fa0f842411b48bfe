import type { Migration } from '../migration';

/** Rules, templates, directory, tenants, and the notification ledger (the send ledger is the notification log). */
export const initial: Migration = {
  name: '001_initial',
  up: `
    CREATE TABLE tenants (
      id text PRIMARY KEY,
      locale text NOT NULL DEFAULT 'en',
      calendar jsonb,
      calendars jsonb NOT NULL DEFAULT '{}'::jsonb,
      webhook_url text,
      webhook_secret text,
      admin_emails text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE rules (
      id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      name text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      document_type text,
      spec jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (tenant_id, name)
    );

    CREATE TABLE templates (
      tenant_id text NOT NULL,
      name text NOT NULL,
      locale text NOT NULL,
      document_type text NOT NULL DEFAULT '',
      subject text NOT NULL,
      html text NOT NULL,
      text text,
      is_default boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, name, locale, document_type)
    );

    CREATE TABLE directory_users (
      tenant_id text NOT NULL,
      id text NOT NULL,
      email text NOT NULL,
      name text,
      locale text,
      time_zone text,
      manager_id text,
      substitute_id text,
      out_of_office boolean NOT NULL DEFAULT false,
      roles text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );

    CREATE TABLE directory_groups (
      tenant_id text NOT NULL,
      id text NOT NULL,
      name text,
      members text[] NOT NULL DEFAULT '{}',
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, id)
    );

    CREATE TABLE notifications (
      key text PRIMARY KEY,
      message_id text NOT NULL,
      tenant_id text NOT NULL,
      document_id text NOT NULL,
      document_type text,
      rule_id text,
      rule_name text,
      kind text NOT NULL,
      seq integer NOT NULL DEFAULT 0,
      recipient text NOT NULL,
      subject text,
      status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'skipped')),
      reason text,
      smtp_response text,
      attempts integer NOT NULL DEFAULT 0,
      html text,
      text_body text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      sent_at timestamptz
    );
    CREATE INDEX notifications_document ON notifications (tenant_id, document_id, created_at);
    CREATE INDEX notifications_rule ON notifications (rule_id, created_at);
    CREATE INDEX notifications_recipient ON notifications (recipient, created_at);
    CREATE INDEX notifications_created ON notifications (created_at);

    CREATE TABLE failing_recipients (
      tenant_id text NOT NULL,
      email text NOT NULL,
      reason text NOT NULL,
      first_failed_at timestamptz NOT NULL DEFAULT now(),
      last_failed_at timestamptz NOT NULL DEFAULT now(),
      failures integer NOT NULL DEFAULT 1,
      PRIMARY KEY (tenant_id, email)
    );
  `,
};
