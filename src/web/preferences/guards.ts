/**
 * The checks before a preferences page reads or changes anything: rate limits, the link's signature, and for the
 * form's POST that it comes from our own page. A refusal is the page to answer; suspicious ones are logged with the
 * token's fingerprint, never the token.
 */
import { tokenFingerprint } from '../../links/redact';
import type { Keyring, PreferenceClaims, VerifyFailure } from '../../links/token';
import type { FormGuard } from '../form-guard';
import { takeLimits, VERIFY_PAGES } from '../link-pages';
import { isSameOrigin } from '../same-origin';
import { preferenceWordsFor } from './catalogue';
import type { PreferenceContext, PreferenceRequest } from './context';
import { problemPage } from './problem';
import { localeOf, type Page } from './respond';
import type { PreferenceWords } from './words';

/** Failures that are just a cut-off or an old link: not worth a log line. */
const ORDINARY: ReadonlySet<VerifyFailure> = new Set(['malformed', 'expired']);

/** Rate limits, the client address first, then the link; a refusal is a 429 page with Retry-After. */
function rateLimited(ctx: PreferenceContext, req: PreferenceRequest, words: PreferenceWords): Page | undefined {
  const retryAfter = takeLimits(ctx.limits, req.ip, req.params.token);
  if (retryAfter === undefined) return undefined;
  return { status: 429, headers: { 'retry-after': String(retryAfter) }, ...problemPage(words.tooMany, 'warn') };
}

/** A verified link: its claims, the keys that verified it (they sign the waiting page's links), their form tokens. */
export interface VerifiedLink {
  claims: PreferenceClaims;
  keyring: Keyring;
  guard: FormGuard;
}

/** Rate limits, then the link; a failure is its page. */
export function admit(ctx: PreferenceContext, req: PreferenceRequest): VerifiedLink | { page: Page } {
  const token = req.params.token;
  const words = preferenceWordsFor(localeOf(req));
  const limited = rateLimited(ctx, req, words);
  if (limited) return { page: limited };
  if (!ctx.keyring || !ctx.guard) return { page: { status: 404, ...problemPage(words.problems.disabled, 'error') } };
  const verified = ctx.keyring.verifyPreferences(token, Date.now());
  if (verified.ok) return { claims: verified.claims, keyring: ctx.keyring, guard: ctx.guard };
  if (!ORDINARY.has(verified.reason)) {
    req.log.warn(
      { reason: verified.reason, fingerprint: tokenFingerprint(token), ip: req.ip },
      'preferences link refused',
    );
  }
  const [status, kind] = VERIFY_PAGES[verified.reason];
  return { page: { status, ...problemPage(words.problems[kind], 'error') } };
}

/** A form POST from another site: the 403 page, logged; `undefined` when it comes from our own page. */
export function crossSiteRefusal(ctx: PreferenceContext, req: PreferenceRequest): Page | undefined {
  if (isSameOrigin(req.headers, ctx.publicOrigin)) return undefined;
  req.log.warn(
    { ip: req.ip, fingerprint: tokenFingerprint(req.params.token) },
    'preferences POST refused: not from our page',
  );
  return { status: 403, ...problemPage(preferenceWordsFor(localeOf(req)).problems.crossSite, 'error') };
}
