/**
 * `/admin`: the administrators' web page — server-rendered HTML (JSX views under views/), no build step. Sign-in with
 * ADMIN_CREDENTIALS or a named account, then rules, templates, directory, notification log and document timelines.
 *
 * Without a session every page redirects to the sign-in page (GET/HEAD) and every form is refused
 * with 403 (POST). Every form carries the session's CSRF token; a POST without it is refused too.
 * See docs/admin.md.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { loadLayout } from '../../email/defaults';
import type { WebDeps } from '../deps';
import { AdminAuth } from './auth';
import type { AdminEnv } from './context';
import { registerAdminCookies } from './cookies';
import { adminErrorHandler } from './errors';
import { registerSignedIn } from './signed-in';
import { registerSignIn } from './sign-in';

/**
 * Content-Security-Policy of admin pages: only our own script and stylesheet. Inline styles are allowed
 * because rendered emails (shown in sandboxed `srcdoc` iframes, which inherit this policy) use them.
 */
const CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'frame-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
};

/**
 * The admin pages' security headers (@fastify/helmet, this scope only): the CSP above, `X-Frame-Options: DENY`,
 * `Referrer-Policy: same-origin`, `X-Content-Type-Options: nosniff`, and no other header of helmet's; plus
 * `Cache-Control: no-store` (pages show tenant data and carry the session's CSRF token).
 */
async function registerSecurityHeaders(admin: FastifyInstance): Promise<void> {
  await admin.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: false,
    crossOriginResourcePolicy: false,
    originAgentCluster: false,
    strictTransportSecurity: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xPoweredBy: false,
    xXssProtection: false,
  });
  admin.addHook('onRequest', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });
}

/** What the admin routes share (see AdminEnv). */
function adminEnv(deps: WebDeps): AdminEnv {
  return {
    deps,
    auth: new AdminAuth(deps.config),
    emailLayout: loadLayout(),
    secureCookies: deps.config.PUBLIC_BASE_URL.startsWith('https:'),
  };
}

/**
 * Registers `/admin` on the server (buildServer does). Needs ADMIN_CREDENTIALS or a named account; without either the
 * sign-in page says so and nothing else is reachable.
 */
export async function registerAdmin(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const env = adminEnv(deps);
  await app.register(
    async (admin) => {
      await registerSecurityHeaders(admin);
      await registerAdminCookies(admin);
      admin.setErrorHandler(adminErrorHandler);
      // Public: sign-in (the stylesheet and script: /assets/, plugins/assets.ts).
      registerSignIn(admin, env);
      await admin.register(async (signedIn) => registerSignedIn(signedIn, env));
    },
    { prefix: '/admin' },
  );
}
