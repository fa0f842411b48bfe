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
/** Bumps (or starts) a templates version: `INSERT INTO template_versions ${BUMP}` with the tenant id as $1. */
const ON_BUMP = 'ON CONFLICT (tenant_id) DO UPDATE SET version = template_versions.version + 1';
const BUMP = `(tenant_id, version) VALUES ($1, 1) ${ON_BUMP}`;

export class TemplateStore {
  constructor(private readonly db: Db) {}

  /**
   * Loads the shipped defaults from `templates/` (refreshing them; tenants' own templates are untouched). The shipped
   * templates version moves only when one of them changed, so a restart does not empty the workers' template caches.
   */
  async seedDefaults(dir?: string): Promise<number> {
    const defaults = loadDefaultTemplates(dir);
    let changed = 0;
    for (const t of defaults) {
      const r = await this.db.query(
        `INSERT INTO templates (tenant_id, name, locale, document_type, subject, html, text, is_default) VALUES ($1,$2,$3,'',$4,$5,$6,true)
         ON CONFLICT (tenant_id, name, locale, document_type) DO UPDATE SET subject=$4, html=$5, text=$6, updated_at=now()
         WHERE (templates.subject, templates.html, templates.text) IS DISTINCT FROM ($4, $5, $6)`,
        [SHIPPED, t.name, t.locale, t.subject, t.html, t.text ?? null],
      );
      changed += r.rowCount ?? 0;
    }
    // After the rows: a reader takes the version before the rows, so it never keeps older rows under a newer version.
    if (changed) await this.db.query(`INSERT INTO template_versions ${BUMP}`, [SHIPPED]);
    return defaults.length;
  }

  /** Every template the tenant has of its own (of `SHIPPED`: the shipped defaults), whatever its name. */
  async own(tenantId: string): Promise<StoredTemplate[]> {
    const r = await this.db.query<Row>('SELECT * FROM templates WHERE tenant_id = $1', [tenantId]);
    return r.rows.map(toTemplate);
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
    // The row and the tenant's templates version in one statement: a worker never caches the old row under the new version.
    const r = await this.db.query<Row>(
      `WITH saved AS (
         INSERT INTO templates (tenant_id, name, locale, document_type, subject, html, text, is_default) VALUES ($1,$2,$3,$4,$5,$6,$7,false)
         ON CONFLICT (tenant_id, name, locale, document_type) DO UPDATE SET subject=$5, html=$6, text=$7, updated_at=now() RETURNING *
       ), bumped AS (INSERT INTO template_versions ${BUMP})
       SELECT * FROM saved`,
      [tenantId, t.name, t.locale, t.documentType, t.subject, t.html, t.text ?? null],
    );
    return toTemplate(r.rows[0]);
  }

  /** Removes the tenant's own template (the shipped default, if any, applies again). */
  async remove(tenantId: string, name: string, locale: string, documentType = ''): Promise<void> {
    const r = await this.db.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM templates WHERE tenant_id = $1 AND name = $2 AND locale = $3 AND document_type = $4 RETURNING 1
       ), bumped AS (INSERT INTO template_versions SELECT $1, 1 WHERE EXISTS (SELECT 1 FROM gone) ${ON_BUMP})
       SELECT count(*)::int AS n FROM gone`,
      [tenantId, name, locale, documentType],
    );
    if (!r.rows[0].n) throw new NotFoundError(`template ${name} (${locale}) has no tenant version to delete`);
  }
}

/** The templates versions a worker's cache is keyed by. */
export interface TemplateVersions {
  tenant: number;
  shipped: number;
}

/**
 * The template to use among `rows` (the tenant's and the shipped ones): the most specific of (tenant, type),
 * (tenant, any type), (shipped, type), (shipped, any type) that exists, in the recipient's locale, else the
 * tenant's, else `en`. @throws TemplateError when there is none of that name.
 */
export function pickTemplate(
  rows: readonly StoredTemplate[],
  tenantId: string,
  name: string,
  documentType: string,
  recipientLocale?: string,
  tenantLocale?: string,
): StoredTemplate {
  for (const owner of [tenantId, SHIPPED])
    for (const type of documentType ? [documentType, ''] : ['']) {
      const best = rows.filter((x) => x.tenantId === owner && x.name === name && x.documentType === type);
      if (!best.length) continue;
      const locale = pickLocale(
        best.map((x) => x.locale),
        recipientLocale,
        tenantLocale,
      );
      return best.find((x) => x.locale === locale) ?? best[0];
    }
  throw new TemplateError(`template "${name}" does not exist`);
}
