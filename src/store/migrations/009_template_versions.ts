import type { Migration } from '../migration';

/**
 * A templates version per tenant (`*`: the shipped defaults), bumped in the same statement as every change of its
 * templates. Workers cache a tenant's templates by it (src/activities/template-cache.ts): an email then costs no
 * template read while the templates stay as they are, and an edit takes effect from the next email. Unlike the rules
 * version it starts no fan-out: a template changes what an email says, never when it is sent.
 */
export const templateVersions: Migration = {
  name: '009_template_versions',
  up: `
    CREATE TABLE template_versions (
      tenant_id text PRIMARY KEY,
      version bigint NOT NULL
    );
  `,
};
