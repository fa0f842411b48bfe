/** What every preferences-page handler is given: the deployment's services, its link keys and its rate limits. */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config';
import type { Stores } from '../../store';
import type { WebDeps } from '../deps';
import { linkSecurity, type LinkPageOptions, type LinkSecurity } from '../link-pages';

/** Options of `preferenceRoutes` (rate limits, how long a shown form lasts); the defaults suit production. */
export type PreferenceRoutesOptions = LinkPageOptions;

/** A request to a preferences page: the link's token in the path, the query and the (parsed) form. */
export type PreferenceRequest = FastifyRequest<{
  Params: { token: string };
  Querystring: Record<string, unknown>;
  Body: unknown;
}>;

/** The services and settings of the preferences pages, built once when the routes are registered. */
export interface PreferenceContext extends LinkSecurity {
  config: Config;
  stores: Stores;
  log: Logger;
}

/** The context of the preferences pages of this deployment. */
export function preferenceContext(deps: WebDeps, options: PreferenceRoutesOptions = {}): PreferenceContext {
  const { config, stores, log } = deps;
  return { config, stores, log, ...linkSecurity(config, options) };
}
