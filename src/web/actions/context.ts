/** What every action-page handler is given: the deployment's services, its link keys and its rate limits. */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { DocnotifyClient } from '../../client';
import type { Config } from '../../config';
import type { Stores } from '../../store';
import type { WebDeps } from '../deps';
import { linkSecurity, type LinkPageOptions, type LinkSecurity } from '../link-pages';

/** Options of `actionRoutes` (rate limits, how long a confirmation form lasts); the defaults suit production. */
export type ActionRoutesOptions = LinkPageOptions;

/** The services and settings of the action pages, built once when the routes are registered. */
export interface ActionContext extends LinkSecurity {
  config: Config;
  client: DocnotifyClient;
  stores: Stores;
  log: Logger;
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
  return { config, client, stores, log, ...linkSecurity(config, options) };
}
