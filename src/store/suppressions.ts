import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Db } from './db';

/**
 * Where a suppression came from: `smtp` (a permanent 5.1.x reply to one of our emails), `bounce` (reported by the
 * pipeline or an email provider), `admin` (added by an administrator: admin page, CLI, API).
 */
export const SUPPRESSION_SOURCES = ['smtp', 'bounce', 'admin'] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

/** An address the tenant's emails are not sent to (see migration 006). */
export interface Suppression {
  tenantId: string;
  /** Lower-cased. */
  email: string;
  reason: string;
  source: SuppressionSource;
  createdAt: string;
}

/** What adding a suppression takes: the schema an HTTP route can validate its body with as well. */
export const suppressionInputSchema = z.strictObject({
  email: z
    .string()
    .trim()
    .max(320, { error: 'email must be at most 320 characters' })
    .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, { error: 'email must be an email address' }),
  reason: z
    .string()
    .trim()
    .min(1, { error: 'reason must not be empty' })
    .max(1000)
    .default('added by an administrator'),
  source: z.enum(SUPPRESSION_SOURCES, { error: 'source must be smtp, bounce or admin' }).default('admin'),
});
export type SuppressionInput = z.input<typeof suppressionInputSchema>;

interface Row {
  tenant_id: string;
  email: string;
  reason: string;
  source: SuppressionSource;
  created_at: Date;
}

const toSuppression = (r: Row): Suppression => ({
  tenantId: r.tenant_id,
  email: r.email,
  reason: r.reason,
  source: r.source,
  createdAt: r.created_at.toISOString(),
});

/** Suppressed addresses, per tenant; every address is compared lower-cased. */
export class SuppressionStore {
  constructor(private readonly db: Db) {}

  /** The tenant's suppressions, by address. */
  async list(tenantId: string): Promise<Suppression[]> {
    const r = await this.db.query<Row>('SELECT * FROM suppressions WHERE tenant_id = $1 ORDER BY email', [tenantId]);
    return r.rows.map(toSuppression);
  }

  /** The suppression of one address, if there is one. */
  async get(tenantId: string, email: string): Promise<Suppression | undefined> {
    const r = await this.db.query<Row>('SELECT * FROM suppressions WHERE tenant_id = $1 AND email = lower($2)', [
      tenantId,
      email.trim(),
    ]);
    return r.rows[0] ? toSuppression(r.rows[0]) : undefined;
  }

  /** Which of `emails` are suppressed (lower-cased). */
  async suppressedAmong(tenantId: string, emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const r = await this.db.query<{ email: string }>(
      'SELECT email FROM suppressions WHERE tenant_id = $1 AND email = ANY($2)',
      [tenantId, emails.map((e) => e.trim().toLowerCase())],
    );
    return new Set(r.rows.map((x) => x.email));
  }

  /**
   * Suppresses an address (validated: {@link suppressionInputSchema}). An address already suppressed keeps its first
   * reason and date. @returns the suppression and whether it is new.
   * @throws ValidationError
   */
  async add(tenantId: string, input: SuppressionInput): Promise<{ suppression: Suppression; created: boolean }> {
    const p = suppressionInputSchema.safeParse(input);
    if (!p.success) throw ValidationError.fromZod(p.error, 'invalid suppression');
    const r = await this.db.query<Row & { inserted: boolean }>(
      `INSERT INTO suppressions (tenant_id, email, reason, source) VALUES ($1, lower($2), $3, $4)
       ON CONFLICT (tenant_id, email) DO UPDATE SET email = suppressions.email
       RETURNING *, (xmax = 0) AS inserted`,
      [tenantId, p.data.email, p.data.reason.slice(0, 1000), p.data.source],
    );
    return { suppression: toSuppression(r.rows[0]), created: r.rows[0].inserted };
  }

  /** Lifts a suppression: the address gets email again. @returns the suppression lifted, or undefined if there was none. */
  async lift(tenantId: string, email: string): Promise<Suppression | undefined> {
    const r = await this.db.query<Row>(
      'DELETE FROM suppressions WHERE tenant_id = $1 AND email = lower($2) RETURNING *',
      [tenantId, email.trim()],
    );
    return r.rows[0] ? toSuppression(r.rows[0]) : undefined;
  }
}
