import { randomUUID } from 'node:crypto';
import { changeScope, ruleInputSchema, type Rule, type RuleInput, type RuleSpec } from '../domain/rules';
import { ValidationError } from '../domain/events';
import { ConflictError, NotFoundError } from '../errors';
import { inTransaction, type Db } from './db';
import { recordRulesChange } from './rules-versions';

interface Row {
  id: string;
  version: number;
  spec: RuleSpec;
  active: boolean;
}

const toRule = (r: Row): Rule => ({ ...r.spec, active: r.active, id: r.id, version: r.version });

/** Validates a rule as entered (API, CLI, file, form); throws ValidationError naming each bad field. */
export function parseRule(input: unknown): RuleSpec {
  const r = ruleInputSchema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error, 'invalid rule');
  return r.data;
}

const conflictOnName = (name: string) => (e: { code?: string }) => {
  if (e.code === '23505') throw new ConflictError(`name: a rule named "${name}" already exists`);
  throw e;
};

/**
 * Notification rules in PostgreSQL. Every change bumps the rule's `version` and, in the same transaction, the
 * tenant's rules version with a record of the change for the fan-out (see rules-versions.ts).
 */
export class RuleStore {
  constructor(private readonly db: Db) {}

  async list(
    tenantId: string,
    filter: { documentType?: string; status?: string; active?: boolean } = {},
  ): Promise<Rule[]> {
    const r = await this.db.query<Row>(
      'SELECT id, version, spec, active FROM rules WHERE tenant_id = $1 ORDER BY name',
      [tenantId],
    );
    return r.rows
      .map(toRule)
      .filter(
        (rule) =>
          (filter.documentType === undefined || (rule.documentType ?? '') === filter.documentType) &&
          (filter.status === undefined ||
            ('status' in rule.trigger ? rule.trigger.status : `event:${rule.trigger.event}`) === filter.status) &&
          (filter.active === undefined || rule.active === filter.active),
      );
  }

  async get(tenantId: string, id: string): Promise<Rule> {
    const r = await this.db.query<Row>(
      'SELECT id, version, spec, active FROM rules WHERE tenant_id = $1 AND id::text = $2',
      [tenantId, id],
    );
    if (!r.rows[0]) throw new NotFoundError(`rule ${id} not found`);
    return toRule(r.rows[0]);
  }

  /** A rule may name only a calendar its tenant defines. */
  private async checkCalendar(spec: RuleSpec): Promise<void> {
    if (!spec.calendar) return;
    const r = await this.db.query<{ ok: boolean }>(`SELECT calendars ? $2 AS ok FROM tenants WHERE id = $1`, [
      spec.tenantId,
      spec.calendar,
    ]);
    if (!r.rows[0]?.ok)
      throw new ValidationError(
        `invalid rule: calendar: tenant ${spec.tenantId} has no calendar named "${spec.calendar}"`,
        [{ path: 'calendar', message: `no calendar named "${spec.calendar}"` }],
      );
  }

  async create(input: RuleInput | unknown, tenantId?: string): Promise<Rule> {
    const spec = parseRule(tenantId ? { ...(input as object), tenantId } : input);
    await this.checkCalendar(spec);
    const id = randomUUID();
    await inTransaction(this.db, async (tx) => {
      await tx
        .query('INSERT INTO rules (id, tenant_id, name, active, document_type, spec) VALUES ($1, $2, $3, $4, $5, $6)', [
          id,
          spec.tenantId,
          spec.name,
          spec.active,
          spec.documentType,
          JSON.stringify(spec),
        ])
        .catch(conflictOnName(spec.name));
      await recordRulesChange(tx, spec.tenantId, changeScope(undefined, spec));
    });
    return { ...spec, id, version: 1 };
  }

  async update(tenantId: string, id: string, input: unknown): Promise<Rule> {
    const spec = parseRule({ ...(input as object), tenantId });
    await this.checkCalendar(spec);
    return this.change(
      tenantId,
      id,
      'name = $3, active = $4, document_type = $5, spec = $6',
      [spec.name, spec.active, spec.documentType, JSON.stringify(spec)],
      spec.name,
    );
  }

  async setActive(tenantId: string, id: string, active: boolean): Promise<Rule> {
    return this.change(tenantId, id, `active = $3, spec = jsonb_set(spec, '{active}', to_jsonb($3::boolean))`, [
      active,
    ]);
  }

  /** Applies one UPDATE to the rule and records the change (scope from the rule before and after). */
  private async change(tenantId: string, id: string, set: string, values: unknown[], name?: string): Promise<Rule> {
    return inTransaction(this.db, async (tx) => {
      const before = await tx.query<Row>(
        'SELECT id, version, spec, active FROM rules WHERE tenant_id = $1 AND id::text = $2 FOR UPDATE',
        [tenantId, id],
      );
      if (!before.rows[0]) throw new NotFoundError(`rule ${id} not found`);
      const r = await tx
        .query<Row>(
          `UPDATE rules SET ${set}, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id::text = $2 RETURNING id, version, spec, active`,
          [tenantId, id, ...values],
        )
        .catch(conflictOnName(name ?? ''));
      const rule = toRule(r.rows[0]);
      await recordRulesChange(tx, tenantId, changeScope(before.rows[0].spec, rule));
      return rule;
    });
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const r = await tx.query<Row>(
        'DELETE FROM rules WHERE tenant_id = $1 AND id::text = $2 RETURNING id, version, spec, active',
        [tenantId, id],
      );
      if (!r.rows[0]) throw new NotFoundError(`rule ${id} not found`);
      await recordRulesChange(tx, tenantId, changeScope(r.rows[0].spec, undefined));
    });
  }
}
