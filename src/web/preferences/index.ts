/**
 * Personal email preferences pages (docs/preferences.md), reached from the signed link in every email's footer and
 * from the `List-Unsubscribe` header of FYI email. No account and no password: the signed link is the credential.
 *
 * - `GET|HEAD /preferences/{token}` shows the kinds with their modes; nothing changes.
 * - `POST /preferences/{token}` saves them: only from our own page (same origin, and a form token bound to the link,
 *   as the action pages do, src/web/form-guard.ts) (./preference-handlers.ts).
 * - `GET|HEAD /preferences/{token}/unsubscribe?kind=<kind>` shows a confirmation page; nothing changes (mail
 *   scanners fetch every link and every header URL).
 * - `POST /preferences/{token}/unsubscribe?kind=<kind>` with the body `List-Unsubscribe=One-Click` (RFC 8058; url-
 *   encoded or multipart, no cookies, no form token: mail providers post it from their servers) turns that kind off
 *   and answers 200. The confirmation page's button posts the same body (./unsubscribe-handlers.ts).
 * - `GET|HEAD /preferences/{token}/waiting` lists what waits for the person, with signed action links (./waiting.tsx).
 *
 * Rate limited per link and per client address; pages are never cached, framed, indexed or scripted; tokens never
 * appear in log lines (routes log at `warn` and above; refusals log the token's fingerprint).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../deps';
import { PAGE_HEADERS } from '../views/page';
import { preferenceWordsFor } from './catalogue';
import { preferenceContext, type PreferenceRequest, type PreferenceRoutesOptions } from './context';
import { acceptRawMultipart } from './one-click';
import { savePreferences, showPreferences, showWaiting } from './preference-handlers';
import { problemPage } from './problem';
import { localeOf, sendPage } from './respond';
import { showUnsubscribe, unsubscribe } from './unsubscribe-handlers';

export type { PreferenceRoutesOptions } from './context';
export { isOneClick } from './one-click';
export { WAITING_PAGE_SIZE, waitingPage, type WaitingLocale, type WaitingPageInput } from './waiting';

/** Registers the preferences pages with the default options (buildServer does). */
export async function registerPreferences(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await preferenceRoutes()(app, deps);
}

/** A failed request's page: a 4xx says the link is not valid, anything else is logged and "unavailable" (503). */
function sendFailure(err: { statusCode?: number; message?: string }, req: FastifyRequest, reply: FastifyReply) {
  const lang = localeOf(req);
  const words = preferenceWordsFor(lang);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
    return sendPage(reply, lang, { status: err.statusCode, ...problemPage(words.problems.invalid, 'error') });
  req.log.error({ err }, 'preferences page failed');
  return sendPage(reply, lang, { status: 503, ...problemPage(words.unavailable, 'warn') });
}

/** The preferences pages as a `buildServer` plugin, with options (tests tune limits with them). */
export function preferenceRoutes(
  options: PreferenceRoutesOptions = {},
): (app: FastifyInstance, deps: WebDeps) => Promise<void> {
  return async (app, deps) => {
    const ctx = preferenceContext(deps, options);
    await app.register(async (scope) => {
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.headers(PAGE_HEADERS);
        return payload;
      });
      acceptRawMultipart(scope);
      scope.setErrorHandler(sendFailure);
      const routeOptions = { logLevel: 'warn' as const, bodyLimit: 16_384 };
      const showOptions = { ...routeOptions, exposeHeadRoute: true };
      scope.get('/preferences/:token', showOptions, (req: PreferenceRequest, reply) =>
        showPreferences(ctx, req, reply),
      );
      scope.post('/preferences/:token', routeOptions, (req: PreferenceRequest, reply) =>
        savePreferences(ctx, req, reply),
      );
      scope.get('/preferences/:token/unsubscribe', showOptions, (req: PreferenceRequest, reply) =>
        showUnsubscribe(ctx, req, reply),
      );
      scope.post('/preferences/:token/unsubscribe', routeOptions, (req: PreferenceRequest, reply) =>
        unsubscribe(ctx, req, reply),
      );
      scope.get('/preferences/:token/waiting', showOptions, (req: PreferenceRequest, reply) =>
        showWaiting(ctx, req, reply),
      );
    });
  };
}
