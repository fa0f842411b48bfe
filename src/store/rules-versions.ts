import type { PoolClient } from 'pg';
import { mergeScopes, type RulesChangeScope } from '../domain/rules';
import type { Db } from './db';

/** What the rules fan-out still has to tell a tenant's running workflows: the newest version and who is affected. */
export interface PendingRulesChange {
  version: number;
  scope: RulesChangeScope;
}

/**
 * Bumps the tenant's rules version and records the change for the fan-out, inside the caller's transaction
 * (the row lock on `rules_versions` orders concurrent changes). @returns the new version
 */
export async function recordRulesChange(tx: PoolClient, tenantId: string, scope: RulesChangeScope): Promise<number> {
  const r = await tx.query<{ version: string }>(
    `INSERT INTO rules_versions (tenant_id, version) VALUES ($1, 1)
     ON CONFLICT (tenant_id) DO UPDATE SET version = rules_versions.version + 1 RETURNING version`,
    [tenantId],
  );
  const version = Number(r.rows[0].version);
  await tx.query('INSERT INTO rules_changes (tenant_id, version, scope) VALUES ($1, $2, $3)', [
    tenantId,
    version,
    JSON.stringify(scope),
  ]);
  return version;
}

/** Rules versions and the outbox of changes not yet told to running workflows. */
export class RulesVersionStore {
  constructor(private readonly db: Db) {}

  /** The tenant's current rules version (0 before its first change). */
  async current(tenantId: string): Promise<number> {
    const r = await this.db.query<{ version: string }>('SELECT version FROM rules_versions WHERE tenant_id = $1', [
      tenantId,
    ]);
    return Number(r.rows[0]?.version ?? 0);
  }

  /** The changes not yet told, merged into one: their union of scopes at the newest version; none = undefined. */
  async pending(tenantId: string): Promise<PendingRulesChange | undefined> {
    const r = await this.db.query<{ version: string; scope: RulesChangeScope }>(
      'SELECT version, scope FROM rules_changes WHERE tenant_id = $1 AND told_at IS NULL ORDER BY version',
      [tenantId],
    );
    if (r.rows.length === 0) return undefined;
    return { version: Number(r.rows.at(-1)!.version), scope: mergeScopes(r.rows.map((row) => row.scope)) };
  }

  /** Marks every change up to `version` as told. */
  async markTold(tenantId: string, version: number): Promise<void> {
    await this.db.query(
      'UPDATE rules_changes SET told_at = now() WHERE tenant_id = $1 AND version <= $2 AND told_at IS NULL',
      [tenantId, version],
    );
  }
}
