/**
 * What the pages opened from a link in an email (action pages, preference pages) share: the link keys and form
 * tokens, the rate limits, the status of a link that fails to verify, the page's language and how a page is sent.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Config } from '../config';
import { tokenFingerprint } from '../links/redact';
import { Keyring, type VerifyFailure } from '../links/token';
import { FormGuard } from './form-guard';
import { fill, pickPageLocale, type Locale } from './locales';
import { addressKey, TokenBuckets, type BucketOptions } from './rate-limit';
import { renderPublicPage } from './views/page';

/** The options the link pages' routes take (tests tune them); the defaults suit production. */
export interface LinkPageOptions {
  /** Requests per link. @default 20 in a burst, then 1 every 3 s */
  perLink?: BucketOptions;
  /** Requests per client address (IPv6: per /64). @default 40 in a burst, then 1 per second */
  perAddress?: BucketOptions;
  /** How long a shown form can be submitted, ms. @default 1 hour */
  formTtlMs?: number;
}

const DEFAULT_PER_LINK: BucketOptions = { capacity: 20, refillPerSecond: 1 / 3 };
const DEFAULT_PER_ADDRESS: BucketOptions = { capacity: 40, refillPerSecond: 1 };

/**
 * Token buckets, one per link and one per client address. Our own buckets rather than @fastify/rate-limit: each
 * request takes from two keys (its address and its link), and the buckets refill steadily; that plugin counts one key
 * per route in fixed windows.
 */
export interface LinkLimits {
  perLink: TokenBuckets;
  perAddress: TokenBuckets;
}

/** The keys, form tokens, limits and origin of the link pages of this deployment. */
export interface LinkSecurity {
  /** The link keys (`ACTION_LINK_SECRET`); without them the pages say links are not enabled. */
  keyring?: Keyring;
  /** The form tokens, keyed with the same secret (present whenever `keyring` is). */
  guard?: FormGuard;
  limits: LinkLimits;
  /** PUBLIC_BASE_URL's origin: where our own forms are posted from. */
  publicOrigin: string;
}

export function linkSecurity(config: Config, options: LinkPageOptions): LinkSecurity {
  const secret = config.ACTION_LINK_SECRET;
  return {
    keyring: secret ? Keyring.fromString(secret) : undefined,
    guard: secret ? new FormGuard(secret, options.formTtlMs) : undefined,
    limits: {
      perLink: new TokenBuckets(options.perLink ?? DEFAULT_PER_LINK),
      perAddress: new TokenBuckets(options.perAddress ?? DEFAULT_PER_ADDRESS),
    },
    publicOrigin: new URL(config.PUBLIC_BASE_URL).origin,
  };
}

/** Takes from the client address's bucket, then the link's. @returns seconds to wait when one is empty */
export function takeLimits(limits: LinkLimits, ip: string, token: string): number | undefined {
  for (const [buckets, key] of [
    [limits.perAddress, `a:${addressKey(ip)}`],
    [limits.perLink, `l:${tokenFingerprint(token)}`],
  ] as const) {
    const taken = buckets.take(key);
    if (!taken.ok) return taken.retryAfterSeconds;
  }
  return undefined;
}

/** The status and problem page of each way a link fails to verify. */
export const VERIFY_PAGES: Readonly<Record<VerifyFailure, [number, 'invalid' | 'forged' | 'retired' | 'expired']>> = {
  malformed: [400, 'invalid'],
  unknown_key: [403, 'forged'],
  bad_signature: [403, 'forged'],
  retired_key: [410, 'retired'],
  expired: [410, 'expired'],
};

/** An answer: its status, title and content; the footer names the link's recipient when known. */
export interface Page {
  status: number;
  title: string;
  body: ComponentChildren;
  recipient?: string;
  headers?: Record<string, string>;
}

/** The page's language: `?lang=` or the form's `lang`, else `Accept-Language`, else English. */
export function localeOf(req: FastifyRequest): Locale {
  const query = req.query as { lang?: unknown } | undefined;
  const body = req.body as { lang?: unknown } | undefined;
  return pickPageLocale(query?.lang ?? body?.lang, req.headers['accept-language']);
}

/**
 * Sends `page` as a whole document; `footer` (a catalogue string with `{recipient}`) names the recipient when known.
 * The security headers are the routes' `onSend` hook's.
 */
export function sendLinkPage(reply: FastifyReply, lang: Locale, page: Page, footer: string): FastifyReply {
  const line = page.recipient ? fill(footer, { recipient: page.recipient }) : undefined;
  return reply
    .code(page.status)
    .headers(page.headers ?? {})
    .send(renderPublicPage({ lang, title: page.title, footer: line, children: page.body }));
}
