/** What every preferences-page handler is given: the deployment's services, its link keys and its rate limits. */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import { Keyring } from '../../links/token';
import type { Stores } from '../../store';
import type { WebDeps } from '../deps';
import { FormGuard } from '../form-guard';
import { TokenBuckets, type BucketOptions } from '../rate-limit';

/** Options of `preferenceRoutes`; the defaults suit production. */
export interface PreferenceRoutesOptions {
  /** @default 20 in a burst, then 1 every 3 s */
  perLink?: BucketOptions;
  /** @default 40 in a burst, then 1 per second */
  perAddress?: BucketOptions;
  /** How long a shown form can be submitted, ms. @default 1 hour */
  formTtlMs?: number;
}

const DEFAULT_PER_LINK: BucketOptions = { capacity: 20, refillPerSecond: 1 / 3 };
const DEFAULT_PER_ADDRESS: BucketOptions = { capacity: 40, refillPerSecond: 1 };

/** A request to a preferences page: the link's token in the path, the query and the (parsed) form. */
export type PreferenceRequest = FastifyRequest<{
  Params: { token: string };
  Querystring: Record<string, unknown>;
  Body: unknown;
}>;

/** The services and settings of the preferences pages, built once when the routes are registered. */
export interface PreferenceContext {
  config: Config;
  stores: Stores;
  log: Logger;
  /** The link keys (`ACTION_LINK_SECRET`); without them the pages say preferences links are not enabled. */
  keyring?: Keyring;
  /** The form tokens, keyed with the same secret (present whenever `keyring` is). */
  guard?: FormGuard;
  /**
   * Token buckets: one per link, one per client address. Our own buckets rather than @fastify/rate-limit: each
   * request takes from two keys (its address and its link), and the buckets refill steadily; that plugin counts one
   * key per route in fixed windows.
   */
  limits: { perLink: TokenBuckets; perAddress: TokenBuckets };
  /** PUBLIC_BASE_URL's origin: where our own form is posted from. */
  publicOrigin: string;
}

/** The context of the preferences pages of this deployment. */
export function preferenceContext(deps: WebDeps, options: PreferenceRoutesOptions = {}): PreferenceContext {
  const { config, stores, log } = deps;
  const secret = config.ACTION_LINK_SECRET;
  return {
    config,
    stores,
    log,
    keyring: secret ? Keyring.fromString(secret) : undefined,
    guard: secret ? new FormGuard(secret, options.formTtlMs) : undefined,
    limits: {
      perLink: new TokenBuckets(options.perLink ?? DEFAULT_PER_LINK),
      perAddress: new TokenBuckets(options.perAddress ?? DEFAULT_PER_ADDRESS),
    },
    publicOrigin: new URL(config.PUBLIC_BASE_URL).origin,
  };
}
