import {
  pickTemplate,
  SHIPPED,
  type StoredTemplate,
  type TemplateStore,
  type TemplateVersions,
} from '../store/templates';

/** Tenants whose templates a worker keeps (least recently used ones leave first); the shipped ones are kept too. */
const TENANTS_CACHED = 200;

/**
 * A worker's templates, per tenant and for the shipped defaults, each kept at the templates version it was read at
 * (migration 009): while the versions stay, an email reads no template; an edit (which bumps the tenant's version in
 * the same statement) takes effect from the next email that reads the new version.
 */
export function createTemplateCache(templates: TemplateStore) {
  const kept = new Map<string, { version: number; rows: StoredTemplate[] }>();

  async function rowsOf(owner: string, version: number): Promise<StoredTemplate[]> {
    let known = kept.get(owner);
    if (!known || known.version !== version) known = { version, rows: await templates.own(owner) };
    kept.delete(owner);
    kept.set(owner, known);
    if (kept.size > TENANTS_CACHED + 1) kept.delete(kept.keys().next().value!);
    return known.rows;
  }

  return {
    /** The template to use (pickTemplate), from the templates as of `versions` (read before, with the email's other facts). */
    async resolve(
      tenantId: string,
      versions: TemplateVersions,
      name: string,
      documentType: string,
      recipientLocale?: string,
      tenantLocale?: string,
    ): Promise<StoredTemplate> {
      const own = tenantId === SHIPPED ? [] : await rowsOf(tenantId, versions.tenant);
      const shipped = await rowsOf(SHIPPED, versions.shipped);
      return pickTemplate([...own, ...shipped], tenantId, name, documentType, recipientLocale, tenantLocale);
    },
  };
}
