import { z } from 'zod';
import { calendarConfigSchema } from '../calendar/schema';
import { ValidationError } from '../errors';
import { inTransaction, type Db } from './db';
import { recordRulesChange } from './rules-versions';

/** Tenant settings as administrators enter them (API, CLI files); every error names the field. */
export const tenantSettingsSchema = z
  .strictObject({
    locale: z.enum(['en', 'es', 'de'], { error: 'locale must be en, es or de' }).default('en'),
    /** Default business calendar of the tenant's rules; null = around the clock. */
    calendar: calendarConfigSchema.nullable().default(null),
    /** Named calendars a rule may select with `calendar: "<name>"`. */
    calendars: z
      .record(z.string().regex(/^[a-z0-9_-]{1,50}$/, 'calendar names are a-z, 0-9, _ and -'), calendarConfigSchema)
      .default({}),
    webhookUrl: z.url({ protocol: /^https?$/, error: 'webhookUrl must be an http(s) URL' }).optional(),
    webhookSecret: z.string().min(16, 'webhookSecret must be at least 16 characters').optional(),
    adminEmails: z
      .array(z.email({ error: (i) => `"${String(i.input)}" is not an email address` }))
      .max(50)
      .default([]),
  })
  .refine((t) => !t.webhookUrl || t.webhookSecret, {
    path: ['webhookSecret'],
    message: 'webhookSecret is required with webhookUrl (the pipeline verifies signatures with it)',
  });

/** Validates settings as entered; throws ValidationError naming each bad field. Nothing is saved on error. */
export function parseTenantSettings(tenantId: string, input: unknown): TenantSettings {
  const r = tenantSettingsSchema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error, 'invalid tenant settings');
  return { id: tenantId, ...r.data };
}

/** Tenant-wide settings. A tenant without a row gets the defaults. */
export interface TenantSettings {
  id: string;
  locale: string;
  /** Default business calendar (the administrator's calendar config), or none = 24/7. */
  calendar: unknown | null;
  /** Named calendars rules may select. */
  calendars: Record<string, unknown>;
  webhookUrl?: string;
  webhookSecret?: string;
  /** Who hears about permanent SMTP failures. */
  adminEmails: string[];
}

interface Row {
  id: string;
  locale: string;
  calendar: unknown;
  calendars: Record<string, unknown>;
  webhook_url: string | null;
  webhook_secret: string | null;
  admin_emails: string[];
}

export class TenantStore {
  constructor(
    private readonly db: Db,
    private readonly defaultLocale = 'en',
  ) {}

  async get(tenantId: string): Promise<TenantSettings> {
    const r = await this.db.query<Row>('SELECT * FROM tenants WHERE id = $1', [tenantId]);
    const row = r.rows[0];
    if (!row) return { id: tenantId, locale: this.defaultLocale, calendar: null, calendars: {}, adminEmails: [] };
    return {
      id: row.id,
      locale: row.locale,
      calendar: row.calendar,
      calendars: row.calendars,
      webhookUrl: row.webhook_url ?? undefined,
      webhookSecret: row.webhook_secret ?? undefined,
      adminEmails: row.admin_emails,
    };
  }

  /** Saves the settings; calendars change every plan, so it is a rules change for all the tenant's documents. */
  async put(s: TenantSettings): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await tx.query(
        `INSERT INTO tenants (id, locale, calendar, calendars, webhook_url, webhook_secret, admin_emails) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (id) DO UPDATE SET locale=$2, calendar=$3, calendars=$4, webhook_url=$5, webhook_secret=$6, admin_emails=$7, updated_at=now()`,
        [
          s.id,
          s.locale,
          s.calendar === null ? null : JSON.stringify(s.calendar),
          JSON.stringify(s.calendars),
          s.webhookUrl ?? null,
          s.webhookSecret ?? null,
          s.adminEmails,
        ],
      );
      await recordRulesChange(tx, s.id, {});
    });
  }

  /** Does the tenant have a row yet? (first-start seeding) */
  async exists(tenantId: string): Promise<boolean> {
    return ((await this.db.query('SELECT 1 FROM tenants WHERE id = $1', [tenantId])).rowCount ?? 0) > 0;
  }
}
