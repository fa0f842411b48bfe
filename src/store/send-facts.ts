import type { Mode, PreferenceKind } from '../domain/preferences';
import type { Db } from './db';
import { storedModes } from './preferences';
import { SHIPPED, type TemplateVersions } from './templates';

/**
 * What deciding one email reads, in one round trip: the versions the worker's caches of rules, tenant settings and
 * templates are keyed by, whether the address is suppressed, and the person's stored preference modes.
 */
export interface SendFacts {
  rulesVersion: number;
  templateVersions: TemplateVersions;
  suppressed: boolean;
  /** Kinds without a row are absent (`immediate`). */
  modes: Partial<Record<PreferenceKind, Mode>>;
}

/** Reads a SendFacts (one prepared statement: it runs for every email). */
export class SendFactsStore {
  constructor(private readonly db: Db) {}

  /** @param userKey the person's preferences key (`userKey()` in domain/preferences.ts) */
  async read(tenantId: string, email: string, userKey: string): Promise<SendFacts> {
    const r = await this.db.query<{
      rules: string | null;
      templates: string | null;
      shipped: string | null;
      suppressed: boolean;
      modes: Record<string, string> | null;
    }>({
      name: 'send-facts',
      text: `SELECT (SELECT version FROM rules_versions WHERE tenant_id = $1) AS rules,
                    (SELECT version FROM template_versions WHERE tenant_id = $1) AS templates,
                    (SELECT version FROM template_versions WHERE tenant_id = $4) AS shipped,
                    EXISTS (SELECT 1 FROM suppressions WHERE tenant_id = $1 AND email = lower($2)) AS suppressed,
                    (SELECT json_object_agg(kind, mode) FROM preferences WHERE tenant_id = $1 AND user_key = $3) AS modes`,
      values: [tenantId, email.trim(), userKey, SHIPPED],
    });
    const row = r.rows[0];
    return {
      rulesVersion: Number(row.rules ?? 0),
      templateVersions: { tenant: Number(row.templates ?? 0), shipped: Number(row.shipped ?? 0) },
      suppressed: row.suppressed,
      modes: storedModes(Object.entries(row.modes ?? {})),
    };
  }
}
