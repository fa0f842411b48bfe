/**
 * Action pages: `GET|HEAD|POST /actions/{token}` (product.md, "Action links"; docs/action-links.md).
 *
 * - `GET`/`HEAD` verify the signed link and show a confirmation page. They change nothing: mail security
 *   scanners fetch (and sometimes render) every link before the person does (./show.tsx).
 * - The person's click `POST`s the page's form, which runs the `resolveTask` or `snooze` Update; the
 *   workflow's validator has the last word on stale, reassigned, expired or already-decided tasks (./act.tsx).
 * - The POST must come from our own page: a same-origin `Origin` (or `Sec-Fetch-Site: same-origin`, or a
 *   same-origin `Referer`), and a form token bound to the link (see {@link FormGuard}).
 * - Rate limited per link and per client address; pages are never cached, framed, indexed or scripted.
 * - Tokens are secrets: they never appear in log lines (the routes log at `warn` and above only, so
 *   fastify's request lines, which carry the URL, are not written).
 *
 * The route is `/actions/*` rather than `/actions/:token` because fastify's router limits a `:param` to
 * 100 characters (`maxParamLength`) and tokens are about 270.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../deps';
import { PAGE_HEADERS } from '../views/page';
import { actOnLink } from './act';
import { wordsFor } from './catalogue';
import { actionContext, type ActionRequest, type ActionRoutesOptions } from './context';
import { problemPage } from './problem';
import { localeOf, sendPage } from './respond';
import { showLink } from './show';

export type { ActionRoutesOptions } from './context';
export { MAX_REASON_LENGTH, SNOOZE_CHOICES } from './words';
export { FormGuard, type FormCheck } from '../form-guard';
export { PAGE_LOCALES, pickPageLocale } from '../locales';

/** Registers the action pages with the default options (buildServer does). */
export async function registerActions(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await actionRoutes()(app, deps);
}

/** A failed request's page: a 4xx says what was wrong with it, anything else is logged and "unavailable" (503). */
function sendFailure(err: { statusCode?: number; message?: string }, req: FastifyRequest, reply: FastifyReply) {
  const lang = localeOf(req);
  const words = wordsFor(lang);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return sendPage(reply, lang, {
      status: err.statusCode,
      ...problemPage(words, 'badRequest', { reason: err.message ?? '' }),
    });
  }
  req.log.error({ err }, 'action page failed');
  return sendPage(reply, lang, { status: 503, ...problemPage(words, 'unavailable') });
}

/** The action pages as a `buildServer` plugin, with options (tests use it to tune limits). */
export function actionRoutes(
  options: ActionRoutesOptions = {},
): (app: FastifyInstance, deps: WebDeps) => Promise<void> {
  return async (app, deps) => {
    const ctx = actionContext(deps, options);
    await app.register(async (scope) => {
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.headers(PAGE_HEADERS);
        return payload;
      });
      scope.setErrorHandler(sendFailure);
      const routeOptions = { logLevel: 'warn' as const, bodyLimit: 16_384 };
      scope.get('/actions/*', { ...routeOptions, exposeHeadRoute: true }, async (req: ActionRequest, reply) =>
        showLink(ctx, req, reply),
      );
      scope.post('/actions/*', routeOptions, async (req: ActionRequest, reply) => actOnLink(ctx, req, reply));
    });
  };
}
