import { allowed, isMode, isPreferenceKind, type Mode, type PreferenceKind } from '../domain/preferences';
import { ValidationError } from '../errors';
import type { Db } from './db';

/** One stored choice (see migration 007). */
export interface Preference {
  tenantId: string;
  userKey: string;
  kind: PreferenceKind;
  mode: Mode;
  updatedAt: string;
}

interface Row {
  tenant_id: string;
  user_key: string;
  kind: string;
  mode: string;
  updated_at: Date;
}

/** The known kinds and modes of stored (kind, mode) pairs; anything else (an older or newer value) is left out. */
export function storedModes(pairs: [string, string][]): Partial<Record<PreferenceKind, Mode>> {
  const out: Partial<Record<PreferenceKind, Mode>> = {};
  for (const [kind, mode] of pairs) if (isPreferenceKind(kind) && isMode(mode)) out[kind] = mode;
  return out;
}

/** Keys are compared as stored: user ids as given, addresses lower-cased (`userKey()` in domain/preferences.ts). */
export class PreferenceStore {
  constructor(private readonly db: Db) {}

  /** The person's stored modes by kind (kinds without a row are absent: `immediate`). */
  async get(tenantId: string, userKey: string): Promise<Partial<Record<PreferenceKind, Mode>>> {
    const r = await this.db.query<Row>('SELECT * FROM preferences WHERE tenant_id = $1 AND user_key = $2', [
      tenantId,
      userKey,
    ]);
    return storedModes(r.rows.map((row) => [row.kind, row.mode]));
  }

  /**
   * Stores modes (all in one transaction). @throws ValidationError for an unknown kind or mode, or `off` for
   * `action_required`.
   */
  async set(tenantId: string, userKey: string, modes: Partial<Record<PreferenceKind, Mode>>): Promise<void> {
    const entries = Object.entries(modes);
    for (const [kind, mode] of entries) {
      if (!isPreferenceKind(kind) || !isMode(mode) || !allowed(kind, mode))
        throw new ValidationError(`invalid preference: ${String(kind).slice(0, 40)} = ${String(mode).slice(0, 20)}`);
    }
    if (!entries.length) return;
    const values = entries.map((_, i) => `($1, $2, $${3 + 2 * i}, $${4 + 2 * i}, now())`).join(', ');
    await this.db.query(
      `INSERT INTO preferences (tenant_id, user_key, kind, mode, updated_at) VALUES ${values}
       ON CONFLICT (tenant_id, user_key, kind) DO UPDATE SET mode = EXCLUDED.mode, updated_at = now()`,
      [tenantId, userKey, ...entries.flat()],
    );
  }

  /** Every stored choice of a person, with dates (admin and tests). */
  async list(tenantId: string, userKey: string): Promise<Preference[]> {
    const r = await this.db.query<Row>(
      'SELECT * FROM preferences WHERE tenant_id = $1 AND user_key = $2 ORDER BY kind',
      [tenantId, userKey],
    );
    return r.rows
      .filter((x) => isPreferenceKind(x.kind) && isMode(x.mode))
      .map((x) => ({
        tenantId: x.tenant_id,
        userKey: x.user_key,
        kind: x.kind as PreferenceKind,
        mode: x.mode as Mode,
        updatedAt: x.updated_at.toISOString(),
      }));
  }
}
