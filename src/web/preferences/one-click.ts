/**
 * The RFC 8058 one-click unsubscribe body, `List-Unsubscribe=One-Click`: mail providers post it url-encoded (parsed by
 * formbody) or as multipart/form-data, which the preferences scope keeps raw ({@link acceptRawMultipart}).
 */
import type { FastifyInstance } from 'fastify';

/** Where the preferences scope's multipart parser puts the raw body. */
const RAW_MULTIPART = '__multipart';

/** The one-click field in a raw multipart/form-data body: its part's headers, a blank line, then the value. */
const MULTIPART_ONE_CLICK =
  /content-disposition:\s*form-data;\s*name="?List-Unsubscribe"?\s*\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i;

/** Is the body the RFC 8058 one-click request? `List-Unsubscribe=One-Click`, url-encoded or a multipart field. */
export function isOneClick(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const fields = body as Record<string, unknown>;
  if (fields['List-Unsubscribe'] === 'One-Click') return true;
  const raw = fields[RAW_MULTIPART];
  return typeof raw === 'string' && MULTIPART_ONE_CLICK.test(raw);
}

/** RFC 8058 allows the one-click POST as multipart/form-data: `scope` keeps such a body raw, read by isOneClick. */
export function acceptRawMultipart(scope: FastifyInstance): void {
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) =>
    done(null, { [RAW_MULTIPART]: body }),
  );
}
