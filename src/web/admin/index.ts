/**
 * `/admin`: the administrators' web page — server-rendered HTML, no build step. Sign-in with
 * ADMIN_CREDENTIALS, then rules, templates, directory, notification log and document timelines.
 *
 * Without a session every page redirects to the sign-in page (GET/HEAD) and every form is refused
 * with 403 (POST). Every form carries the session's CSRF token; a POST without it is refused too.
 * See docs/admin.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failureTypeOf } from '../../errors';
import { FAILURES, Failure, type FailureType } from '../../domain/failures';
import { loadLayout } from '../../email/defaults';
import type { WebDeps } from '../deps';
import { throttleNetwork } from '../../access/credentials';
import { tenantIdProblem } from '../../domain/tenant';
import { AdminAuth, COOKIES, DEVICE_TTL_MS, PRE_TTL_MS, safeNext, SESSION_TTL_MS, type AdminSession } from './auth';
import { ctx, readCookie, redirect, sendHtml, setAdminCookie, setCtx, str, takeFlash, type AdminEnv } from './context';
import { registerDirectory } from './directory';
import { registerSuppressions } from './suppressions';
import { registerAudit } from './audit';
import { registerDocuments } from './documents';
import { html } from './html';
import { barePage, page } from './layout';
import { registerLog } from './log';
import { registerRules } from './rules';
import { registerTemplates } from './templates';

/**
 * Content-Security-Policy of admin pages: only our own script and stylesheet. Inline styles are allowed
 * because rendered emails (shown in sandboxed `srcdoc` iframes, which inherit this policy) use them.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'same-origin');
  reply.header('cache-control', 'no-store');
}

function signInPage(o: { token?: string; next: string; error?: string; user?: string; configured: boolean }): string {
  const body = !o.configured
    ? html`<div class="signin"><p class="brand"><span class="brand-mark" aria-hidden="true">dn</span> docnotify <span class="brand-sub">admin</span></p>
<h1>Sign-in is not configured</h1><p>Set <code>ADMIN_CREDENTIALS</code> to <code>user:password</code> (a password of at least 8 characters) and restart the server.</p></div>`
    : html`<form class="signin" method="post" action="/admin/sign-in" novalidate>
<p class="brand"><span class="brand-mark" aria-hidden="true">dn</span> docnotify <span class="brand-sub">admin</span></p>
<h1>Sign in</h1>
<p class="muted">Notification rules, templates, directory and logs.</p>
${o.error ? html`<div class="flash flash-error" role="alert" id="signin-error">${o.error}</div>` : ''}
<input type="hidden" name="_csrf" value="${o.token ?? ''}">
<input type="hidden" name="next" value="${o.next}">
<div class="field"><label for="user">User</label><input id="user" name="user" autocomplete="username" value="${o.user ?? ''}" required autofocus spellcheck="false"${o.error ? html` aria-describedby="signin-error"` : ''}></div>
<div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<button class="btn btn-primary" type="submit">Sign in</button>
</form>`;
  return String(barePage('Sign in', body));
}

/**
 * The error classes the admin pages answer with their own page, under FAILURES' status. Any other error, of these
 * classes too, goes on as unclassified (a fastify 4xx is "Request refused", the rest a 500): the routes that expect a
 * ConflictError, say, show it in their form.
 */
const ADMIN_HEADINGS: Partial<Record<FailureType, string>> = {
  [Failure.NotFoundError]: 'Not found',
  [Failure.ValidationError]: 'Invalid request',
};

function errorPage(status: number, title: string, text: string): string {
  return String(
    barePage(
      title,
      html`<div class="signin"><p class="brand"><span class="brand-mark" aria-hidden="true">dn</span> docnotify <span class="brand-sub">admin</span></p><h1>${title}</h1><p>${text}</p><p><a href="/admin">Go to the admin page</a></p></div>`,
    ),
  );
}

/**
 * Registers `/admin` on the server (buildServer does). Needs ADMIN_CREDENTIALS; without it the
 * sign-in page says so and nothing else is reachable.
 */
export async function registerAdmin(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const auth = new AdminAuth(deps.config);
  const env: AdminEnv = {
    deps,
    auth,
    emailLayout: loadLayout(),
    secureCookies: deps.config.PUBLIC_BASE_URL.startsWith('https:'),
  };
  const { admins, signInFailures } = deps.stores;
  /** Can anyone sign in? ADMIN_CREDENTIALS, or at least one named account. */
  const signInPossible = async () =>
    auth.configured || (await deps.stores.db.query('SELECT 1 FROM admin_accounts LIMIT 1')).rowCount! > 0;
  /** A tenant administrator's session lasts while the account exists with the password it signed in with. */
  const stillValid = async (session: AdminSession) => {
    if (!session.tenant) return true;
    const account = await admins.get(session.user);
    return !!account && account.tenantId === session.tenant && account.passwordChangedAt === session.passwordChangedAt;
  };

  await app.register(
    async (admin) => {
      admin.addHook('onRequest', async (_req, reply) => securityHeaders(reply));

      admin.setErrorHandler((err, req, reply) => {
        const kind = failureTypeOf(err);
        const heading = kind && ADMIN_HEADINGS[kind];
        if (heading) {
          const status = FAILURES[kind].http;
          return sendHtml(reply, errorPage(status, heading, (err as Error).message), status);
        }
        const e = err as { statusCode?: number; message?: string };
        if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
          return sendHtml(reply, errorPage(e.statusCode, 'Request refused', e.message ?? ''), e.statusCode);
        req.log.error({ err }, 'admin request failed');
        return sendHtml(
          reply,
          errorPage(500, 'Something went wrong', 'The request failed; the server log has the details.'),
          500,
        );
      });

      // --- public: sign-in (the stylesheet and script: /assets/, plugins/assets.ts) ---------------------------------------------------------------
      const showSignIn = async (
        reply: FastifyReply,
        o: { next: string; error?: string; user?: string },
        status = 200,
      ) => {
        const nonce = auth.preNonce();
        setAdminCookie(reply, env, COOKIES.pre, nonce, PRE_TTL_MS / 1000);
        return sendHtml(
          reply,
          signInPage({ ...o, token: auth.preToken(nonce), configured: await signInPossible() }),
          status,
        );
      };

      admin.get('/sign-in', async (req, reply) => {
        if (auth.verify(readCookie(req, COOKIES.session)))
          return redirect(reply, env, safeNext(str(req.query, 'next')));
        return showSignIn(reply, { next: safeNext(str(req.query, 'next')) }, (await signInPossible()) ? 200 : 503);
      });

      /**
       * Sign-in, throttled across every web process (PostgreSQL): 10 failures in 15 minutes block the account and, on
       * their own, the client's network (its /64 for IPv6). A browser that signed in to the account before (device
       * cookie) is not blocked by the account's counter: guessing from elsewhere cannot lock its administrator out.
       */
      admin.post('/sign-in', async (req, reply) => {
        if (!(await signInPossible())) return sendHtml(reply, signInPage({ next: '/admin', configured: false }), 503);
        if (!auth.checkPreToken(readCookie(req, COOKIES.pre), str(req.body, '_csrf'))) {
          return sendHtml(reply, errorPage(403, 'Sign-in form expired', 'Reload the sign-in page and try again.'), 403);
        }
        const next = safeNext(str(req.body, 'next'));
        const user = str(req.body, 'user').slice(0, 320);
        const password = str(req.body, 'password').slice(0, 200);
        const accountKey = `account:${user.trim().toLowerCase()}`;
        const networkKey = `network:${throttleNetwork(req.ip)}`;
        const knownDevice = auth.unseal(readCookie(req, COOKIES.device)) === accountKey;
        const blocked = await signInFailures.blocked([accountKey, networkKey]);
        if (blocked.has(networkKey) || (blocked.has(accountKey) && !knownDevice)) {
          req.log.warn({ ip: req.ip, blocked: [...blocked] }, 'admin sign-in throttled');
          return showSignIn(
            reply,
            { next, user, error: 'Too many failed sign-ins. Wait 15 minutes and try again.' },
            429,
          );
        }
        const operator = auth.checkCredentials(user, password);
        const account = operator ? undefined : await admins.verify(user, password);
        if (!operator && !account) {
          await signInFailures.fail([accountKey, networkKey]);
          req.log.warn({ ip: req.ip }, 'admin sign-in failed');
          return showSignIn(reply, { next, user, error: 'The user or password is not correct.' }, 401);
        }
        await signInFailures.clear([accountKey]);
        const { cookie: value } = auth.issue(account);
        setAdminCookie(reply, env, COOKIES.pre, '', 0);
        setAdminCookie(reply, env, COOKIES.session, value, SESSION_TTL_MS / 1000);
        setAdminCookie(reply, env, COOKIES.device, auth.seal(accountKey), DEVICE_TTL_MS / 1000);
        return redirect(reply, env, next);
      });

      // --- signed in ------------------------------------------------------------------------------
      await admin.register(async (app2) => {
        app2.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
          const verified = auth.verify(readCookie(req, COOKIES.session));
          const session = verified && (await stillValid(verified)) ? verified : undefined;
          if (!session) {
            if (req.method === 'GET' || req.method === 'HEAD') {
              return reply
                .code(303)
                .header('location', `/admin/sign-in?next=${encodeURIComponent(safeNext(req.url))}`)
                .send();
            }
            return sendHtml(reply, errorPage(403, 'Not signed in', 'Sign in to the admin page first.'), 403);
          }
          const tenantCookie = readCookie(req, COOKIES.tenant);
          setCtx(req, {
            session,
            csrf: auth.csrfToken(session),
            url: req.url,
            // A tenant administrator works on their tenant only; the operator on the one they chose.
            tenant: session.tenant ?? (tenantCookie && !tenantIdProblem(tenantCookie) ? tenantCookie : 'default'),
            flash: req.method === 'GET' ? takeFlash(req, reply, env) : undefined,
          });
        });
        // CSRF: every state-changing request carries the session's synchronizer token.
        app2.addHook('preHandler', async (req, reply) => {
          if (req.method === 'GET' || req.method === 'HEAD') return;
          const c = ctx(req);
          if (!auth.checkCsrf(c.session, str(req.body, '_csrf') || req.headers['x-csrf-token'])) {
            req.log.warn({ url: req.url.split('?')[0] }, 'admin request without a valid CSRF token');
            return sendHtml(
              reply,
              errorPage(
                403,
                'Form expired',
                'This form was not sent from your signed-in admin page (or your session changed). Go back, reload and try again.',
              ),
              403,
            );
          }
        });

        app2.get('/', async (_req, reply) => reply.code(303).header('location', '/admin/rules').send());

        app2.post('/sign-out', async (req, reply) => {
          auth.revoke(ctx(req).session);
          setAdminCookie(reply, env, COOKIES.session, '', 0);
          return reply.code(303).header('location', '/admin/sign-in').send();
        });

        app2.post('/tenant', async (req, reply) => {
          const tenant = str(req.body, 'tenant').trim();
          const back = safeNext(str(req.body, 'return'));
          if (ctx(req).session.tenant)
            return redirect(reply, env, back, {
              kind: 'error',
              text: `Your account administers tenant “${ctx(req).session.tenant}” only.`,
            });
          const problem = tenantIdProblem(tenant);
          if (problem)
            return redirect(reply, env, back, {
              kind: 'error',
              text: `A tenant id is letters, digits, “.”, “_” and “-”, starting with a letter or digit.`,
            });
          setAdminCookie(reply, env, COOKIES.tenant, tenant, 365 * 86_400);
          // Pages of a single item (a rule of the old tenant) make no sense in the new one: go to the section's list.
          const section = /^\/admin\/(rules|templates|directory|suppressions|log|documents)/.exec(back)?.[1] ?? 'rules';
          return redirect(reply, env, `/admin/${section}`, {
            kind: 'info',
            text: `Now working on tenant “${tenant}”.`,
          });
        });

        registerRules(app2, env);
        registerTemplates(app2, env);
        registerDirectory(app2, env);
        registerSuppressions(app2, env);
        registerLog(app2, env);
        registerDocuments(app2, env);
        registerAudit(app2, env);

        app2.setNotFoundHandler((req, reply) =>
          sendHtml(
            reply,
            page(ctx(req), {
              title: 'Page not found',
              body: html`<p>There is no admin page at <code>${req.url.split('?')[0]}</code>.</p><p><a href="/admin/rules">Go to the rules</a></p>`,
            }),
            404,
          ),
        );
      });
    },
    { prefix: '/admin' },
  );
}
