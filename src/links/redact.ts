/**
 * Action-link tokens are bearer secrets: whoever holds one can act as its recipient until it expires. The email
 * sent over SMTP carries them; everything docnotify keeps (the ledger's `html`/`text_body`, shown on the admin log
 * page) carries only their fingerprints. Node-only (node:crypto); never import this from workflow code.
 */
import { createHash } from 'node:crypto';

/**
 * A short, non-reversible fingerprint of a token: the first 12 hex characters of its SHA-256. The action pages log
 * the same value (`fingerprint` in their warn lines), the snooze Update keys "one snooze per link" by it, and the
 * ledger shows it in place of the token, so the three can be matched.
 */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 12);
}

/** What a redacted token becomes in a stored body: `…/actions/redacted-<fingerprint>`. */
export const REDACTED_PREFIX = 'redacted-';

/**
 * A token as token.ts signs them (`v1.<kid>.<payload>.<sig>`, and preferences links' `p1.…`, the signature 43 base64url characters), not inside a
 * longer run of token characters. Matched wherever it appears — in an `/actions/` URL under any base URL, in an
 * href or as visible text, in HTML or in text — because every character of a token is left as is by HTML
 * escaping and URL encoding.
 */
const TOKEN =
  /(?<![A-Za-z0-9._-])[vp]1\.[A-Za-z0-9_-]{1,16}\.[A-Za-z0-9_-]{4,2000}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9._-])/g;

/**
 * The body with every action-link token replaced by `redacted-<fingerprint>`: `https://x/actions/v1.k1.eyJ….sig`
 * becomes `https://x/actions/redacted-3f2a9c01b7de` (a link that opens the "not valid" page). Idempotent; text
 * without tokens comes back unchanged. Pure.
 */
export function redactActionLinks(body: string): string;
export function redactActionLinks(body: string | undefined): string | undefined;
export function redactActionLinks(body: string | undefined): string | undefined {
  if (body === undefined || !(body.includes('v1.') || body.includes('p1.'))) return body;
  return body.replace(TOKEN, (token) => `${REDACTED_PREFIX}${tokenFingerprint(token)}`);
}
