/**
 * The signed-in part of `/admin`: without a valid session a page redirects to the sign-in page (GET/HEAD) and a form
 * is refused with 403; every state-changing request carries the session's CSRF token. Then the sections' routes,
 * sign-out, the tenant switch and the page for an unknown path.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tenantIdProblem } from '../../domain/tenant';
import { registerAudit } from './audit';
import { COOKIES, safeNext, type AdminSession } from './auth';
import { ctx, redirect, sendHtml, setCtx, str, takeFlash, type AdminEnv } from './context';
import { clearAdminCookie, readAdminCookie, setAdminCookie } from './cookies';
import { registerDirectory } from './directory';
import { registerDocuments } from './documents';
import { sendErrorPage } from './errors';
import { registerLog } from './log';
import { registerRules } from './rules';
import { registerSuppressions } from './suppressions';
import { registerTemplates } from './templates';
import { renderNotFoundPage } from './views/error';

/** How long the tenant switch is remembered. @default 1 year */
const TENANT_COOKIE_SECONDS = 365 * 86_400;

/** A tenant administrator's session lasts while the account exists with the password it signed in with. */
async function stillValid(env: AdminEnv, session: AdminSession): Promise<boolean> {
  if (!session.tenant) return true;
  const account = await env.deps.stores.admins.get(session.user);
  return !!account && account.tenantId === session.tenant && account.passwordChangedAt === session.passwordChangedAt;
}

/** The session hook: the request's signed-in context, or the sign-in page (GET/HEAD) or a 403 (anything else). */
async function requireSession(
  req: FastifyRequest,
  reply: FastifyReply,
  env: AdminEnv,
): Promise<FastifyReply | undefined> {
  const verified = env.auth.verify(readAdminCookie(req, COOKIES.session));
  const session = verified && (await stillValid(env, verified)) ? verified : undefined;
  if (!session) {
    if (req.method === 'GET' || req.method === 'HEAD') {
      const next = encodeURIComponent(safeNext(req.url));
      return reply.code(303).header('location', `/admin/sign-in?next=${next}`).send();
    }
    return sendErrorPage(reply, 403, 'Not signed in', 'Sign in to the admin page first.');
  }
  const tenantCookie = readAdminCookie(req, COOKIES.tenant);
  setCtx(req, {
    session,
    csrf: env.auth.csrfToken(session),
    url: req.url,
    // A tenant administrator works on their tenant only; the operator on the one they chose.
    tenant: session.tenant ?? (tenantCookie && !tenantIdProblem(tenantCookie) ? tenantCookie : 'default'),
    flash: req.method === 'GET' ? takeFlash(req, reply, env) : undefined,
  });
  return undefined;
}

/** CSRF: every state-changing request carries the session's synchronizer token (form field or header). */
async function requireCsrf(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  if (env.auth.checkCsrf(ctx(req).session, str(req.body, '_csrf') || req.headers['x-csrf-token'])) return undefined;
  req.log.warn({ url: req.url.split('?')[0] }, 'admin request without a valid CSRF token');
  return sendErrorPage(
    reply,
    403,
    'Form expired',
    'This form was not sent from your signed-in admin page (or your session changed). Go back, reload and try again.',
  );
}

/** `POST /admin/tenant`: the operator switches the tenant they work on (a tenant administrator cannot). */
function switchTenant(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): FastifyReply {
  const tenant = str(req.body, 'tenant').trim();
  const back = safeNext(str(req.body, 'return'));
  const own = ctx(req).session.tenant;
  if (own) return redirect(reply, env, back, { kind: 'error', text: `Your account administers tenant “${own}” only.` });
  if (tenantIdProblem(tenant)) {
    return redirect(reply, env, back, {
      kind: 'error',
      text: `A tenant id is letters, digits, “.”, “_” and “-”, starting with a letter or digit.`,
    });
  }
  setAdminCookie(reply, env.secureCookies, COOKIES.tenant, tenant, TENANT_COOKIE_SECONDS);
  // Pages of a single item (a rule of the old tenant) make no sense in the new one: go to the section's list.
  const section = /^\/admin\/(rules|templates|directory|suppressions|log|documents)/.exec(back)?.[1] ?? 'rules';
  return redirect(reply, env, `/admin/${section}`, { kind: 'info', text: `Now working on tenant “${tenant}”.` });
}

/** Registers the signed-in routes on their own scope (inside the admin scope, so its hooks guard them alone). */
export function registerSignedIn(app: FastifyInstance, env: AdminEnv): void {
  app.addHook('onRequest', async (req, reply) => requireSession(req, reply, env));
  app.addHook('preHandler', async (req, reply) => requireCsrf(req, reply, env));

  app.get('/', async (_req, reply) => reply.code(303).header('location', '/admin/rules').send());
  app.post('/sign-out', async (req, reply) => {
    env.auth.revoke(ctx(req).session);
    clearAdminCookie(reply, env.secureCookies, COOKIES.session);
    return reply.code(303).header('location', '/admin/sign-in').send();
  });
  app.post('/tenant', async (req, reply) => switchTenant(req, reply, env));

  registerRules(app, env);
  registerTemplates(app, env);
  registerDirectory(app, env);
  registerSuppressions(app, env);
  registerLog(app, env);
  registerDocuments(app, env);
  registerAudit(app, env);

  app.setNotFoundHandler((req, reply) => sendHtml(reply, renderNotFoundPage(ctx(req), req.url.split('?')[0]), 404));
}
