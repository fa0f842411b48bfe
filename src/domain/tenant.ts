/**
 * Tenant ids: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 100 characters. Nothing that
 * needs quoting in a visibility query or a URL, and never `*` (the shipped defaults' namespace).
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** @returns the problem with a tenant id, naming `field`, or undefined when it is valid. */
export function tenantIdProblem(id: unknown, field = 'tenant'): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return `${field}: is required`;
  if (!TENANT_ID_PATTERN.test(id))
    return `${field}: "${id.slice(0, 100)}" is not a tenant id (letters, digits, ".", "_" and "-", starting with a letter or digit, at most 100)`;
  return undefined;
}
