import { redactActionLinks } from '../links/redact';
import type { Db } from './db';

/** A ledger row's states: `scheduled` waits for its instant (SEND_AHEAD), `sending` has an SMTP attempt under way. */
export const NOTIFICATION_STATUSES = ['scheduled', 'sending', 'sent', 'failed', 'skipped'] as const;

/** One email docnotify decided to send: the send ledger and the notification log are the same row. */
export interface NotificationRow {
  key: string;
  messageId: string;
  tenantId: string;
  documentId: string;
  documentType?: string;
  ruleId?: string;
  ruleName?: string;
  kind: string;
  seq: number;
  recipient: string;
  subject?: string;
  status: (typeof NOTIFICATION_STATUSES)[number];
  reason?: string;
  smtpResponse?: string;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
}

interface Row {
  key: string;
  message_id: string;
  tenant_id: string;
  document_id: string;
  document_type: string | null;
  rule_id: string | null;
  rule_name: string | null;
  kind: string;
  seq: number;
  recipient: string;
  subject: string | null;
  status: NotificationRow['status'];
  reason: string | null;
  smtp_response: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
}

const toNotification = (r: Row): NotificationRow => ({
  key: r.key,
  messageId: r.message_id,
  tenantId: r.tenant_id,
  documentId: r.document_id,
  documentType: r.document_type ?? undefined,
  ruleId: r.rule_id ?? undefined,
  ruleName: r.rule_name ?? undefined,
  kind: r.kind,
  seq: r.seq,
  recipient: r.recipient,
  subject: r.subject ?? undefined,
  status: r.status,
  reason: r.reason ?? undefined,
  smtpResponse: r.smtp_response ?? undefined,
  attempts: r.attempts,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  sentAt: r.sent_at?.toISOString(),
});

export interface LogFilter {
  tenantId?: string;
  documentId?: string;
  ruleId?: string;
  recipient?: string;
  status?: NotificationRow['status'];
  kind?: string;
  since?: Date;
  until?: Date;
  limit?: number;
}

/** What the ledger says about a key before an SMTP transaction. */
export type Claim = { state: 'new' | 'retry'; attempts: number } | { state: 'done'; row: NotificationRow };

/** A row without its bodies (what toNotification reads): the claim of every email returns it. */
const SUMMARY_COLUMNS =
  'key, message_id, tenant_id, document_id, document_type, rule_id, rule_name, kind, seq, recipient, subject, status, reason, smtp_response, attempts, created_at, updated_at, sent_at';

export class NotificationStore {
  constructor(private readonly db: Db) {}

  /**
   * Writes the ledger row before the SMTP transaction. `done` = the email was already sent (or finally failed/skipped):
   * never send again. `retry` = an earlier attempt started and did not record an outcome (crash, or the reply was lost).
   * The bodies are stored with their action-link tokens replaced by fingerprints (links/redact.ts): the ledger and the
   * admin log page never hold a live link; the email sent keeps them.
   */
  async claim(
    row: Omit<NotificationRow, 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'sentAt'> & {
      html?: string;
      text?: string;
    },
    status: 'sending' | 'scheduled' = 'sending',
  ): Promise<Claim> {
    // A row still open (scheduled, or sending without an outcome) is claimed again; a finished one never is.
    // `attempts` counts SMTP transactions started: a scheduled row has none until it is released.
    const open = `notifications.status IN ('scheduled', 'sending')`;
    const r = await this.db.query<Row & { inserted: boolean }>(
      `INSERT INTO notifications (key, message_id, tenant_id, document_id, document_type, rule_id, rule_name, kind, seq, recipient, subject, status, attempts, html, text_body)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$14,CASE WHEN $14 = 'sending' THEN 1 ELSE 0 END,$12,$13)
       ON CONFLICT (key) DO UPDATE SET attempts = notifications.attempts + CASE WHEN ${open} AND EXCLUDED.status = 'sending' THEN 1 ELSE 0 END,
         subject = CASE WHEN ${open} THEN EXCLUDED.subject ELSE notifications.subject END,
         html = CASE WHEN ${open} THEN EXCLUDED.html ELSE notifications.html END,
         text_body = CASE WHEN ${open} THEN EXCLUDED.text_body ELSE notifications.text_body END,
         status = CASE WHEN ${open} THEN EXCLUDED.status ELSE notifications.status END,
         updated_at = now()
       RETURNING ${SUMMARY_COLUMNS}, (xmax = 0) AS inserted`,
      [
        row.key,
        row.messageId,
        row.tenantId,
        row.documentId,
        row.documentType ?? null,
        row.ruleId ?? null,
        row.ruleName ?? null,
        row.kind,
        row.seq,
        row.recipient,
        row.subject ?? null,
        redactActionLinks(row.html) ?? null,
        redactActionLinks(row.text) ?? null,
        status,
      ],
    );
    const got = r.rows[0];
    if (got.status !== status) return { state: 'done', row: toNotification(got) };
    return { state: got.inserted ? 'new' : 'retry', attempts: got.attempts };
  }

  /**
   * At its instant, a scheduled email becomes `sending`. False when the workflow withdrew it first (the row is gone):
   * then it must not be sent. One statement, so a withdrawal and the instant never both win.
   */
  async release(key: string): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE notifications SET attempts = attempts + CASE WHEN status = 'scheduled' THEN 1 ELSE 0 END, status = 'sending', updated_at = now()
       WHERE key = $1 AND status IN ('scheduled', 'sending')`,
      [key],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Withdraws scheduled emails not yet released (their document changed). @returns the keys withdrawn. */
  async withdraw(keys: string[]): Promise<string[]> {
    const r = await this.db.query<{ key: string }>(
      `DELETE FROM notifications WHERE key = ANY($1) AND status = 'scheduled' RETURNING key`,
      [keys],
    );
    return r.rows.map((x) => x.key);
  }

  async finish(
    key: string,
    status: 'sent' | 'failed' | 'skipped',
    detail: { smtpResponse?: string; reason?: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE notifications SET status = $2, smtp_response = COALESCE($3, smtp_response), reason = $4, updated_at = now(),
         sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END WHERE key = $1`,
      [key, status, detail.smtpResponse ?? null, detail.reason ?? null],
    );
  }

  /** Says in the log which digest or storm summary carried emails that were not sent on their own. */
  async markReported(keys: string[], reason: string): Promise<void> {
    if (!keys.length) return;
    await this.db.query(
      `UPDATE notifications SET reason = $2, updated_at = now() WHERE key = ANY($1) AND status = 'skipped'`,
      [keys, reason],
    );
  }

  /** The same for every email of these documents to this person that still waited for a digest (`skipped: digest`). */
  async markDigested(tenantId: string, recipient: string, documentIds: string[], reason: string): Promise<void> {
    if (!documentIds.length) return;
    await this.db.query(
      `UPDATE notifications SET reason = $4, updated_at = now()
       WHERE tenant_id = $1 AND lower(recipient) = lower($2) AND document_id = ANY($3) AND status = 'skipped' AND reason = 'digest'`,
      [tenantId, recipient, documentIds, reason],
    );
  }

  /** Records a temporary failure of the current attempt (the row stays `sending`, to be retried). */
  async noteAttemptFailure(key: string, smtpResponse: string): Promise<void> {
    await this.db.query('UPDATE notifications SET smtp_response = $2, updated_at = now() WHERE key = $1', [
      key,
      smtpResponse,
    ]);
  }

  /** Records an email decided but not sent (rule inactive, no recipient, ...). */
  async skip(
    row: Omit<NotificationRow, 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'sentAt'>,
    reason: string,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO notifications (key, message_id, tenant_id, document_id, document_type, rule_id, rule_name, kind, seq, recipient, subject, status, reason, attempts)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,'skipped',$12,0) ON CONFLICT (key) DO NOTHING`,
      [
        row.key,
        row.messageId,
        row.tenantId,
        row.documentId,
        row.documentType ?? null,
        row.ruleId ?? null,
        row.ruleName ?? null,
        row.kind,
        row.seq,
        row.recipient,
        row.subject ?? null,
        reason,
      ],
    );
  }

  /** One row with its bodies; rows stored before bodies were redacted are redacted as they are read. */
  async get(key: string): Promise<(NotificationRow & { html?: string; text?: string }) | undefined> {
    const r = await this.db.query<Row & { html: string | null; text_body: string | null }>(
      'SELECT * FROM notifications WHERE key = $1',
      [key],
    );
    const row = r.rows[0];
    return row
      ? {
          ...toNotification(row),
          html: redactActionLinks(row.html ?? undefined),
          text: redactActionLinks(row.text_body ?? undefined),
        }
      : undefined;
  }

  /** The notification log, newest first. */
  async list(f: LogFilter = {}): Promise<NotificationRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const eq = (col: string, v: unknown) => {
      if (v === undefined) return;
      args.push(v);
      where.push(`${col} = $${args.length}`);
    };
    eq('tenant_id', f.tenantId);
    eq('document_id', f.documentId);
    eq('rule_id', f.ruleId);
    eq('lower(recipient)', f.recipient?.toLowerCase());
    eq('status', f.status);
    eq('kind', f.kind);
    if (f.since) {
      args.push(f.since);
      where.push(`created_at >= $${args.length}`);
    }
    if (f.until) {
      args.push(f.until);
      where.push(`created_at < $${args.length}`);
    }
    args.push(Math.min(f.limit ?? 100, 1000));
    const r = await this.db.query<Row>(
      `SELECT * FROM notifications ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, key LIMIT $${args.length}`,
      args,
    );
    return r.rows.map(toNotification);
  }

  /**
   * Marks a recipient as failing permanently. Returns true only the first time (so administrators are alerted once).
   */
  async markFailing(tenantId: string, email: string, reason: string): Promise<boolean> {
    const r = await this.db.query<{ inserted: boolean }>(
      `INSERT INTO failing_recipients (tenant_id, email, reason) VALUES ($1, lower($2), $3)
       ON CONFLICT (tenant_id, email) DO UPDATE SET failures = failing_recipients.failures + 1, last_failed_at = now(), reason = $3
       RETURNING (xmax = 0) AS inserted`,
      [tenantId, email, reason],
    );
    return r.rows[0].inserted;
  }

  async failingRecipients(tenantId: string): Promise<{ email: string; reason: string; failures: number }[]> {
    return (
      await this.db.query(
        'SELECT email, reason, failures FROM failing_recipients WHERE tenant_id = $1 ORDER BY email',
        [tenantId],
      )
    ).rows;
  }
}
