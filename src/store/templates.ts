import { z } from 'zod';
import { ValidationError } from '../domain/events';
import { loadDefaultTemplates, pickLocale } from '../email/defaults';
import {
  BUILTIN_PLACEHOLDERS,
  DOCUMENT_FIELD_PLACEHOLDERS,
  TemplateError,
  validateTemplate,
  type TemplateSource,
} from '../email/render';
import type { Db } from './db';
import { NotFoundError } from '../errors';

/** Shipped defaults live under this tenant id; a tenant's own templates override them. */
export const SHIPPED = '*';

export const templateInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_.-]{1,100}$/, 'must be a template name (a-z, 0-9, _ . -)'),
  locale: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[A-Za-z]{2})?$/, 'must be a locale such as en, es, de or pt-BR')
    .default('en'),
  documentType: z.string().trim().max(100).default(''),
  subject: z.string().min(1, 'must not be empty').max(1000),
  html: z.string().min(1, 'must not be empty').max(200_000),
  text: z.string().max(200_000).optional(),
});

export type TemplateInput = z.input<typeof templateInputSchema>;
export interface StoredTemplate extends TemplateSource {
  tenantId: string;
  name: string;
  locale: string;
  documentType: string;
  isDefault: boolean;
  updatedAt: string;
}

interface Row {
  tenant_id: string;
  name: string;
  locale: string;
  document_type: string;
  subject: string;
  html: string;
  text: string | null;
  is_default: boolean;
  updated_at: Date;
}
const toTemplate = (r: Row): StoredTemplate => ({
  tenantId: r.tenant_id,
  name: r.name,
  locale: r.locale,
  documentType: r.document_type,
  subject: r.subject,
  html: r.html,
  text: r.text ?? undefined,
  isDefault: r.is_default,
  updatedAt: r.updated_at.toISOString(),
});

/** Placeholder names a template may use: built-ins, known document fields, and any extra field names given. */
export function knownPlaceholders(extraFields: readonly string[] = []): string[] {
  return [...Object.keys(BUILTIN_PLACEHOLDERS), ...Object.keys(DOCUMENT_FIELD_PLACEHOLDERS), ...extraFields];
}

/** Validates a template as entered; throws ValidationError naming the field or the unknown placeholder. */
export function parseTemplate(
  input: unknown,
  extraFields: readonly string[] = [],
): z.output<typeof templateInputSchema> {
  const r = templateInputSchema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error, 'invalid template');
  try {
    validateTemplate(r.data, knownPlaceholders(extraFields));
  } catch (e) {
    if (e instanceof TemplateError)
      throw new ValidationError(`invalid template: ${e.part ?? 'template'}: ${e.message}`, [
        { path: e.part ?? '', message: e.message },
      ]);
    throw e;
  }
  return r.data;
}

/** Email templates per tenant, name, locale and document type. */
export class TemplateStore {
  constructor(private readonly db: Db) {}

  /** Loads the shipped defaults from `templates/` (refreshing them; tenants' own templates are untouched). */
  async seedDefaults(dir?: string): Promise<number> {
    const defaults = loadDefaultTemplates(dir);
    for (const t of defaults) {
      await this.db.query(
        `INSERT INTO templates (tenant_id, name, locale, document_type, subject, html, text, is_default) VALUES ($1,$2,$3,'',$4,$5,$6,true)
         ON CONFLICT (tenant_id, name, locale, document_type) DO UPDATE SET subject=$4, html=$5, text=$6, updated_at=now()`,
        [SHIPPED, t.name, t.locale, t.subject, t.html, t.text ?? null],
      );
    }
    return defaults.length;
  }

  /** The tenant's templates and the shipped ones it has not overridden. */
  async list(tenantId: string, filter: { name?: string; documentType?: string } = {}): Promise<StoredTemplate[]> {
    const r = await this.db.query<Row>(
      `SELECT DISTINCT ON (name, locale, document_type) * FROM templates WHERE tenant_id IN ($1, $2)
       ORDER BY name, locale, document_type, (tenant_id = $2)`,
      [tenantId, SHIPPED],
    );
    return r.rows
      .map(toTemplate)
      .filter(
        (t) =>
          (!filter.name || t.name === filter.name) &&
          (filter.documentType === undefined || t.documentType === filter.documentType),
      );
  }

  async get(tenantId: string, name: string, locale: string, documentType = ''): Promise<StoredTemplate> {
    const r = await this.db.query<Row>(
      `SELECT * FROM templates WHERE tenant_id IN ($1, $2) AND name = $3 AND locale = $4 AND document_type = $5 ORDER BY (tenant_id = $2) LIMIT 1`,
      [tenantId, SHIPPED, name, locale, documentType],
    );
    if (!r.rows[0])
      throw new NotFoundError(`template ${name} (${locale}${documentType ? `, ${documentType}` : ''}) not found`);
    return toTemplate(r.rows[0]);
  }

  async put(tenantId: string, input: unknown): Promise<StoredTemplate> {
    const t = parseTemplate(input);
    const r = await this.db.query<Row>(
      `INSERT INTO templates (tenant_id, name, locale, document_type, subject, html, text, is_default) VALUES ($1,$2,$3,$4,$5,$6,$7,false)
       ON CONFLICT (tenant_id, name, locale, document_type) DO UPDATE SET subject=$5, html=$6, text=$7, updated_at=now() RETURNING *`,
      [tenantId, t.name, t.locale, t.documentType, t.subject, t.html, t.text ?? null],
    );
    return toTemplate(r.rows[0]);
  }

  /** Removes the tenant's own template (the shipped default, if any, applies again). */
  async remove(tenantId: string, name: string, locale: string, documentType = ''): Promise<void> {
    const r = await this.db.query(
      'DELETE FROM templates WHERE tenant_id = $1 AND name = $2 AND locale = $3 AND document_type = $4',
      [tenantId, name, locale, documentType],
    );
    if (!r.rowCount) throw new NotFoundError(`template ${name} (${locale}) has no tenant version to delete`);
  }

  /**
   * The template to use: the most specific of (tenant, type), (tenant, any type), (shipped, type), (shipped, any type),
   * in the recipient's locale, else the tenant's, else `en`.
   */
  async resolve(
    tenantId: string,
    name: string,
    documentType: string,
    recipientLocale?: string,
    tenantLocale?: string,
  ): Promise<StoredTemplate> {
    const r = await this.db.query<Row>(
      `SELECT * FROM templates WHERE tenant_id IN ($1, $2) AND name = $3 AND document_type IN ($4, '')
       ORDER BY (tenant_id = $2), (document_type = '')`,
      [tenantId, SHIPPED, name, documentType],
    );
    if (!r.rows.length) throw new TemplateError(`template "${name}" does not exist`);
    const best = r.rows.filter(
      (x) => x.tenant_id === r.rows[0].tenant_id && x.document_type === r.rows[0].document_type,
    );
    const locale = pickLocale(
      best.map((x) => x.locale),
      recipientLocale,
      tenantLocale,
    );
    return toTemplate(best.find((x) => x.locale === locale) ?? best[0]);
  }
}
