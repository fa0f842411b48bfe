import type { RuleInput } from '../domain/rules';
import type { RuleStore } from './rules';
import type { TenantStore } from './tenants';

/** The rules a new tenant starts with: one per intervention status, and one for `exported`. */
export const DEFAULT_RULES: RuleInput[] = [
  {
    name: 'Ready for validation',
    trigger: { status: 'ready_for_validation' },
    priority: 'medium',
    delay: '0s',
    repeat: { interval: '1d', maxCount: 3 },
    resendOnReassignment: true,
    actions: ['validate', 'snooze', 'open'],
  },
  {
    name: 'Pending approval',
    trigger: { status: 'pending_approval' },
    priority: 'high',
    delay: '0s',
    repeat: { interval: '1d', maxCount: 3 },
    resendOnReassignment: true,
    actions: ['approve', 'reject', 'snooze', 'open'],
  },
  {
    name: 'Pending second approval',
    trigger: { status: 'pending_second_approval' },
    priority: 'high',
    delay: '0s',
    repeat: { interval: '1d', maxCount: 3 },
    resendOnReassignment: true,
    actions: ['approve', 'reject', 'snooze', 'open'],
  },
  {
    name: 'On hold',
    trigger: { status: 'on_hold' },
    priority: 'low',
    delay: '1d',
    repeat: { interval: '3d', maxCount: 2 },
    resendOnReassignment: true,
    actions: ['open'],
  },
  {
    name: 'Processing error',
    trigger: { status: 'error' },
    priority: 'high',
    delay: '0s',
    resendOnReassignment: true,
    actions: ['open'],
  },
  {
    name: 'Import error',
    trigger: { status: 'import_error' },
    priority: 'high',
    delay: '0s',
    resendOnReassignment: true,
    actions: ['open'],
  },
  {
    name: 'Export error',
    trigger: { status: 'export_error' },
    priority: 'high',
    delay: '0s',
    resendOnReassignment: true,
    actions: ['open'],
  },
  { name: 'Processing completed', trigger: { status: 'exported' }, priority: 'low', delay: '0s', actions: [] },
];

/**
 * Seeds a tenant on first start (no tenant row yet): its settings row and the default rules.
 * Idempotent; a tenant that exists is left as the administrators made it.
 * @returns the number of rules created.
 */
export async function seedTenant(
  tenantId: string,
  stores: { rules: RuleStore; tenants: TenantStore },
  locale = 'en',
): Promise<number> {
  if (await stores.tenants.exists(tenantId)) return 0;
  await stores.tenants.put({ id: tenantId, locale, calendar: null, calendars: {}, adminEmails: [] });
  const existing = new Set((await stores.rules.list(tenantId)).map((r) => r.name));
  let n = 0;
  for (const rule of DEFAULT_RULES) {
    if (existing.has(rule.name)) continue;
    await stores.rules.create({ ...rule, tenantId });
    n++;
  }
  return n;
}
