/** What every action-page handler is given: the deployment's services, its link keys and its rate limits. */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { DocnotifyClient } from '../../client';
import type { Config } from '../../config';
import { Keyring } from '../../links/token';
import type { Stores } from '../../store';
import type { WebDeps } from '../deps';
import { FormGuard } from '../form-guard';
import { TokenBuckets, type BucketOptions } from '../rate-limit';

/** Options of `actionRoutes`; the defaults suit production. */
export interface ActionRoutesOptions {
  /** Requests per link. @default 20 in a burst, then 1 every 3 s */
  perLink?: BucketOptions;
  /** Requests per client address (IPv6: per /64). @default 40 in a burst, then 1 per second */
  perAddress?: BucketOptions;
  /** How long a shown confirmation form can be submitted, ms. @default 1 hour */
  formTtlMs?: number;
}

const DEFAULT_PER_LINK: BucketOptions = { capacity: 20, refillPerSecond: 1 / 3 };
const DEFAULT_PER_ADDRESS: BucketOptions = { capacity: 40, refillPerSecond: 1 };

/** The services and settings of the action pages, built once when the routes are registered. */
export interface ActionContext {
  config: Config;
  client: DocnotifyClient;
  stores: Stores;
  log: Logger;
  /** The link keys (`ACTION_LINK_SECRET`); without them the pages say action links are not enabled. */
  keyring?: Keyring;
  /** The form tokens, keyed with the same secret (present whenever `keyring` is). */
  guard?: FormGuard;
  /** Token buckets: one per link, one per client address. */
  limits: { perLink: TokenBuckets; perAddress: TokenBuckets };
  /** PUBLIC_BASE_URL's origin: where our own forms are posted from. */
  publicOrigin: string;
}

/** A request to `/actions/*`: the token is the wildcard; `lang` may come in the query or the form. */
export type ActionRequest = FastifyRequest<{
  Params: { '*': string };
  Querystring: Record<string, unknown>;
  Body: unknown;
}>;

/** The context of the action pages from the server's dependencies and the routes' options. */
export function actionContext(deps: WebDeps, options: ActionRoutesOptions): ActionContext {
  const { config, client, stores, log } = deps;
  const secret = config.ACTION_LINK_SECRET;
  return {
    config,
    client,
    stores,
    log,
    keyring: secret ? Keyring.fromString(secret) : undefined,
    guard: secret ? new FormGuard(secret, options.formTtlMs) : undefined,
    // Our own token buckets, not @fastify/rate-limit: each request spends from two keys (its link and its client
    // address, IPv6 by /64), and a bucket refills steadily instead of resetting per fixed window.
    limits: {
      perLink: new TokenBuckets(options.perLink ?? DEFAULT_PER_LINK),
      perAddress: new TokenBuckets(options.perAddress ?? DEFAULT_PER_ADDRESS),
    },
    publicOrigin: new URL(config.PUBLIC_BASE_URL).origin,
  };
}
