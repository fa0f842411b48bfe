/**
 * The checks before an action page looks at the document: rate limits, the link's signature, and for a POST that it
 * comes from our own page. A refusal is the page to answer; suspicious ones are logged, never with the token.
 */
import { tokenFingerprint } from '../../links/redact';
import type { LinkClaims, VerifyFailure } from '../../links/token';
import type { FormGuard } from '../form-guard';
import { takeLimits, VERIFY_PAGES } from '../link-pages';
import { isSameOrigin } from '../same-origin';
import type { ActionContext, ActionRequest } from './context';
import { problemPage } from './problem';
import { localeOf, type Page } from './respond';
import { wordsFor } from './catalogue';
import type { ActionWords } from './words';

/** Failures that suggest a forged or outdated link rather than a cut-off one: worth a log line. */
const SUSPICIOUS: ReadonlySet<VerifyFailure> = new Set(['bad_signature', 'unknown_key', 'retired_key']);

/** Rate limits (address first, then the link); a refusal is a 429 page with Retry-After. */
export function rateLimited(
  ctx: ActionContext,
  req: ActionRequest,
  token: string,
  words: ActionWords,
): Page | undefined {
  const retryAfter = takeLimits(ctx.limits, req.ip, token);
  if (retryAfter === undefined) return undefined;
  return { status: 429, headers: { 'retry-after': String(retryAfter) }, ...problemPage(words, 'tooMany') };
}

/** A verified link: its claims, and the form tokens of the keys that verified it. */
export interface VerifiedLink {
  claims: LinkClaims;
  guard: FormGuard;
}

/** Verifies the link; a failure becomes its page (suspicious ones are logged, without the token). */
export function verifyLink(
  ctx: ActionContext,
  req: ActionRequest,
  token: string,
  words: ActionWords,
): VerifiedLink | { page: Page } {
  if (!ctx.keyring || !ctx.guard) return { page: { status: 404, ...problemPage(words, 'disabled') } };
  const verified = ctx.keyring.verify(token, Date.now());
  if (verified.ok) return { claims: verified.claims, guard: ctx.guard };
  if (SUSPICIOUS.has(verified.reason)) {
    req.log.warn(
      {
        reason: verified.reason,
        kid: token.split('.')[1]?.slice(0, 16),
        fingerprint: tokenFingerprint(token),
        ip: req.ip,
      },
      'action link refused',
    );
  }
  const [status, kind] = VERIFY_PAGES[verified.reason];
  return { page: { status, ...problemPage(words, kind) } };
}

/** A POST from another site: the 403 page, logged; `undefined` when it comes from our own page. */
export function crossSiteRefusal(
  ctx: ActionContext,
  req: ActionRequest,
  token: string,
  words: ActionWords,
): Page | undefined {
  if (isSameOrigin(req.headers, ctx.publicOrigin)) return undefined;
  req.log.warn(
    {
      origin: req.headers.origin,
      secFetchSite: req.headers['sec-fetch-site'],
      ip: req.ip,
      fingerprint: tokenFingerprint(token),
    },
    'action POST refused: not from our page',
  );
  return { status: 403, ...problemPage(words, 'crossSite') };
}

/** The checks every action request starts with: rate limits, then (for a POST) the origin, then the link. */
export function admit(
  ctx: ActionContext,
  req: ActionRequest,
  options: { post: boolean },
): (VerifiedLink & { token: string }) | { page: Page } {
  const token = req.params['*'];
  const words = wordsFor(localeOf(req));
  const refused =
    rateLimited(ctx, req, token, words) ?? (options.post ? crossSiteRefusal(ctx, req, token, words) : undefined);
  if (refused) return { page: refused };
  const link = verifyLink(ctx, req, token, words);
  return 'page' in link ? link : { ...link, token };
}
