import type { DigestEntry } from '../domain/digest';
import type { LinkAction } from '../links/token';
import { inTransaction, type Db } from './db';

/** One entry as stored (see migration 008). */
export interface StoredEntry extends DigestEntry {
  entryKey: string;
  ledgerKey: string;
  documentType?: string;
  actions: LinkAction[];
  /** The open task when the entry was filed (the signed links of the waiting page point at it). */
  task?: { id: string; version: number };
}

interface Row {
  entry_key: string;
  ledger_key: string;
  document_id: string;
  document_type: string | null;
  kind: 'waiting' | 'fyi';
  subject: string;
  status: string | null;
  due_at: Date | null;
  since: Date;
  actions: LinkAction[];
  task_id: string | null;
  task_version: number | null;
}

const toEntry = (r: Row): StoredEntry => ({
  entryKey: r.entry_key,
  ledgerKey: r.ledger_key,
  documentId: r.document_id,
  documentType: r.document_type ?? undefined,
  kind: r.kind,
  subject: r.subject,
  status: r.status ?? undefined,
  dueAt: r.due_at?.getTime(),
  since: r.since.getTime(),
  actions: r.actions,
  task: r.task_id ? { id: r.task_id, version: r.task_version ?? 0 } : undefined,
});

/** The order of orderEntries (domain/digest.ts), in SQL: most overdue first, then the oldest. */
const ORDER = 'ORDER BY due_at ASC NULLS LAST, since ASC, document_id ASC';

/** What waits for a person's digest or storm summary; recipients are compared lower-cased. */
export class DigestStore {
  constructor(private readonly db: Db) {}

  /** Adds an entry, or replaces the one under the same key (a waiting document's newer reminder). Idempotent. */
  async add(tenantId: string, recipient: string, bucket: string, e: StoredEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO digest_entries (tenant_id, recipient, bucket, entry_key, ledger_key, document_id, document_type, kind, subject, status, due_at, since, actions, task_id, task_version)
       VALUES ($1, lower($2), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (tenant_id, recipient, bucket, entry_key) DO UPDATE SET ledger_key = EXCLUDED.ledger_key,
         subject = EXCLUDED.subject, status = EXCLUDED.status, due_at = EXCLUDED.due_at,
         since = LEAST(digest_entries.since, EXCLUDED.since), actions = EXCLUDED.actions,
         task_id = EXCLUDED.task_id, task_version = EXCLUDED.task_version`,
      [
        tenantId,
        recipient,
        bucket,
        e.entryKey,
        e.ledgerKey,
        e.documentId,
        e.documentType ?? null,
        e.kind,
        e.subject,
        e.status ?? null,
        e.dueAt === undefined ? null : new Date(e.dueAt),
        new Date(e.since),
        e.actions,
        e.task?.id ?? null,
        e.task?.version ?? null,
      ],
    );
  }

  /** One page of a bucket, in digest order, and how many entries it holds in all (the waiting page). */
  async page(tenantId: string, recipient: string, bucket: string, limit: number, offset: number) {
    const [rows, count] = await Promise.all([
      this.db.query<Row>(
        `SELECT * FROM digest_entries WHERE tenant_id = $1 AND recipient = lower($2) AND bucket = $3 ${ORDER} LIMIT $4 OFFSET $5`,
        [tenantId, recipient, bucket, limit, offset],
      ),
      this.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM digest_entries WHERE tenant_id = $1 AND recipient = lower($2) AND bucket = $3`,
        [tenantId, recipient, bucket],
      ),
    ]);
    return { entries: rows.rows.map(toEntry), total: Number(count.rows[0].n) };
  }

  /** Every entry of one bucket (a person has dozens, rarely thousands: one indexed range read). */
  async list(tenantId: string, recipient: string, bucket: string): Promise<StoredEntry[]> {
    const r = await this.db.query<Row>(
      `SELECT * FROM digest_entries WHERE tenant_id = $1 AND recipient = lower($2) AND bucket = $3`,
      [tenantId, recipient, bucket],
    );
    return r.rows.map(toEntry);
  }

  /** Removes entries that were reported (FYI, storm) or no longer wait. */
  async remove(tenantId: string, recipient: string, bucket: string, entryKeys: string[]): Promise<void> {
    if (!entryKeys.length) return;
    await this.db.query(
      `DELETE FROM digest_entries WHERE tenant_id = $1 AND recipient = lower($2) AND bucket = $3 AND entry_key = ANY($4)`,
      [tenantId, recipient, bucket, entryKeys],
    );
  }

  /**
   * The rank of an email among the emails of its class to one person in one window (1 = the first). Ranks are handed
   * out one at a time under a lock of the window (concurrent sends would otherwise count past each other and let more
   * than the limit through), and a retried activity gets the rank it had: one row per ledger key.
   */
  async stormRank(tenantId: string, recipient: string, cls: string, windowStart: number, ledgerKey: string) {
    return inTransaction(this.db, async (tx) => {
      const windowKey = `storm/${tenantId}/${recipient.toLowerCase()}/${cls}/${windowStart}`;
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [windowKey]);
      const hit = await tx.query<{ seq: string }>(
        `INSERT INTO storm_hits (ledger_key, tenant_id, recipient, class, window_start) VALUES ($1, $2, lower($3), $4, $5)
         ON CONFLICT (ledger_key) DO UPDATE SET ledger_key = EXCLUDED.ledger_key RETURNING seq`,
        [ledgerKey, tenantId, recipient, cls, windowStart],
      );
      const r = await tx.query<{ rank: string }>(
        `SELECT count(*) AS rank FROM storm_hits WHERE tenant_id = $1 AND recipient = lower($2) AND class = $3
           AND window_start = $4 AND seq <= $5`,
        [tenantId, recipient, cls, windowStart, hit.rows[0].seq],
      );
      return Number(r.rows[0].rank);
    });
  }

  /** Forgets the ranks of windows that ended long ago (called after a summary went out). */
  async forgetStormsBefore(tenantId: string, recipient: string, beforeMs: number): Promise<void> {
    await this.db.query(`DELETE FROM storm_hits WHERE tenant_id = $1 AND recipient = lower($2) AND window_start < $3`, [
      tenantId,
      recipient,
      beforeMs,
    ]);
  }
}
