/**
 * `/admin/sign-in`: the sign-in page and its form, the only admin routes reachable without a session. The form
 * carries a login-CSRF token bound to a short-lived pre-session cookie; a success sets the session and device cookies.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { throttleNetwork } from '../../access/credentials';
import { COOKIES, DEVICE_TTL_MS, PRE_TTL_MS, safeNext, SESSION_TTL_MS, type AdminAuth } from './auth';
import { redirect, sendHtml, str, type AdminEnv } from './context';
import { clearAdminCookie, readAdminCookie, setAdminCookie } from './cookies';
import { sendErrorPage } from './errors';
import { renderSignInPage, type SignInProps } from './views/sign-in';

/** A named account that signed in (a tenant administrator). */
type SignedInAccount = Parameters<AdminAuth['issue']>[0];

/** A posted sign-in form, and the keys its failures are counted under. */
interface SignInAttempt {
  next: string;
  user: string;
  password: string;
  /** The account's failure counter. */
  accountKey: string;
  /** The client network's failure counter (its /64 for IPv6). */
  networkKey: string;
}

/** Can anyone sign in? ADMIN_CREDENTIALS, or at least one named account. */
async function signInPossible(env: AdminEnv): Promise<boolean> {
  if (env.auth.configured) return true;
  return (await env.deps.stores.db.query('SELECT 1 FROM admin_accounts LIMIT 1')).rowCount! > 0;
}

/** Shows the sign-in form with a fresh login-CSRF token (and its pre-session cookie). */
async function showSignIn(
  reply: FastifyReply,
  env: AdminEnv,
  form: Omit<SignInProps, 'token' | 'configured'>,
  status = 200,
): Promise<FastifyReply> {
  const nonce = env.auth.preNonce();
  setAdminCookie(reply, env.secureCookies, COOKIES.pre, nonce, PRE_TTL_MS / 1000);
  const page = renderSignInPage({ ...form, token: env.auth.preToken(nonce), configured: await signInPossible(env) });
  return sendHtml(reply, page, status);
}

function readAttempt(req: FastifyRequest): SignInAttempt {
  const user = str(req.body, 'user').slice(0, 320);
  return {
    next: safeNext(str(req.body, 'next')),
    user,
    password: str(req.body, 'password').slice(0, 200),
    accountKey: `account:${user.trim().toLowerCase()}`,
    networkKey: `network:${throttleNetwork(req.ip)}`,
  };
}

/**
 * Is the attempt blocked? 10 failures in 15 minutes block the account and, on their own, the client's network. A
 * browser that signed in to the account before (device cookie) is not blocked by the account's counter: guessing
 * from elsewhere cannot lock its administrator out.
 */
async function throttled(req: FastifyRequest, env: AdminEnv, attempt: SignInAttempt): Promise<boolean> {
  const { accountKey, networkKey } = attempt;
  const knownDevice = env.auth.unseal(readAdminCookie(req, COOKIES.device)) === accountKey;
  const blocked = await env.deps.stores.signInFailures.blocked([accountKey, networkKey]);
  if (!blocked.has(networkKey) && !(blocked.has(accountKey) && !knownDevice)) return false;
  req.log.warn({ ip: req.ip, blocked: [...blocked] }, 'admin sign-in throttled');
  return true;
}

/** The operator's session (ADMIN_CREDENTIALS, `account` undefined) or a named account's: cookies, then `next`. */
function startSession(
  reply: FastifyReply,
  env: AdminEnv,
  attempt: SignInAttempt,
  account: SignedInAccount | undefined,
): FastifyReply {
  const { cookie: session } = env.auth.issue(account);
  clearAdminCookie(reply, env.secureCookies, COOKIES.pre);
  setAdminCookie(reply, env.secureCookies, COOKIES.session, session, SESSION_TTL_MS / 1000);
  setAdminCookie(reply, env.secureCookies, COOKIES.device, env.auth.seal(attempt.accountKey), DEVICE_TTL_MS / 1000);
  return redirect(reply, env, attempt.next);
}

/** `POST /admin/sign-in`, throttled across every web process (PostgreSQL, see {@link throttled}). */
async function signIn(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const { auth } = env;
  const { admins, signInFailures } = env.deps.stores;
  if (!(await signInPossible(env)))
    return sendHtml(reply, renderSignInPage({ next: '/admin', configured: false }), 503);
  if (!auth.checkPreToken(readAdminCookie(req, COOKIES.pre), str(req.body, '_csrf'))) {
    return sendErrorPage(reply, 403, 'Sign-in form expired', 'Reload the sign-in page and try again.');
  }
  const attempt = readAttempt(req);
  const { next, user, password, accountKey, networkKey } = attempt;
  if (await throttled(req, env, attempt)) {
    return showSignIn(
      reply,
      env,
      { next, user, error: 'Too many failed sign-ins. Wait 15 minutes and try again.' },
      429,
    );
  }
  const operator = auth.checkCredentials(user, password);
  const account = operator ? undefined : await admins.verify(user, password);
  if (!operator && !account) {
    await signInFailures.fail([accountKey, networkKey]);
    req.log.warn({ ip: req.ip }, 'admin sign-in failed');
    return showSignIn(reply, env, { next, user, error: 'The user or password is not correct.' }, 401);
  }
  await signInFailures.clear([accountKey]);
  return startSession(reply, env, attempt, account);
}

/** Registers `GET`/`POST /sign-in` on the admin scope (no session needed). */
export function registerSignIn(admin: FastifyInstance, env: AdminEnv): void {
  admin.get('/sign-in', async (req, reply) => {
    const next = safeNext(str(req.query, 'next'));
    if (env.auth.verify(readAdminCookie(req, COOKIES.session))) return redirect(reply, env, next);
    return showSignIn(reply, env, { next }, (await signInPossible(env)) ? 200 : 503);
  });
  admin.post('/sign-in', async (req, reply) => signIn(req, reply, env));
}
