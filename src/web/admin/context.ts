/**
 * What the admin routes share: the signed-in context of a request, the environment of the routes, answering a page,
 * post/redirect/get with a flash message, form field access and recording a change in the audit log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDeps } from '../deps';
import { COOKIES, type AdminAuth, type AdminSession } from './auth';
import { clearAdminCookie, readAdminCookie, setAdminCookie } from './cookies';

/** A one-time message shown on the next page (after a redirect). */
export interface Flash {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

/** What every signed-in admin request knows. */
export interface AdminCtx {
  session: AdminSession;
  /** The session's CSRF token (hidden `_csrf` field of every form). */
  csrf: string;
  /** The tenant the administrator works on (cookie; `default` when unset). */
  tenant: string;
  flash?: Flash;
  /** The request's path and query, e.g. for "return to" links. */
  url: string;
}

/** Shared by the admin routes. */
export interface AdminEnv {
  deps: WebDeps;
  auth: AdminAuth;
  /** The shipped email layout (previews). */
  emailLayout: string;
  /** Set the Secure attribute on cookies (PUBLIC_BASE_URL is https). */
  secureCookies: boolean;
}

const contexts = new WeakMap<FastifyRequest, AdminCtx>();

/** Sets the signed-in context of a request (the session hook does). */
export function setCtx(req: FastifyRequest, c: AdminCtx): void {
  contexts.set(req, c);
}

/** The signed-in context of a request (set by the session hook of the protected routes). */
export function ctx(req: FastifyRequest): AdminCtx {
  const c = contexts.get(req);
  if (!c) throw new Error('admin route without a session context');
  return c;
}

/** Answers a rendered page (`renderAdmin`). */
export function sendHtml(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

/** Post/redirect/get: 303 to `to`, with a flash message for the next page. */
export function redirect(reply: FastifyReply, env: AdminEnv, to: string, flash?: Flash): FastifyReply {
  if (flash) setAdminCookie(reply, env.secureCookies, COOKIES.flash, env.auth.seal(JSON.stringify(flash)), 120);
  return reply.code(303).header('location', to).send();
}

/** Reads (and clears) the flash message of a request. */
export function takeFlash(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Flash | undefined {
  const sealed = readAdminCookie(req, COOKIES.flash);
  if (!sealed) return undefined;
  clearAdminCookie(reply, env.secureCookies, COOKIES.flash);
  try {
    const f = JSON.parse(env.auth.unseal(sealed) ?? 'null') as Flash | null;
    return f && typeof f.text === 'string' && ['ok', 'error', 'info'].includes(f.kind) ? f : undefined;
  } catch {
    return undefined;
  }
}

/** A string form field (first value when repeated; '' when absent). */
export function str(body: unknown, name: string): string {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : '';
}

/** A query parameter as a string ('' when absent). */
export const q = (req: FastifyRequest, name: string): string => str(req.query, name).trim();

/** Records an administrative change made on the admin page in the audit log (the signed-in user, before and after). */
export async function auditChange(
  c: AdminCtx,
  env: AdminEnv,
  change: { action: string; entity: string; entityId: string; before?: unknown; after?: unknown },
): Promise<void> {
  await env.deps.stores.audit.record({
    tenantId: c.tenant,
    actor: `admin ${c.session.user}${c.session.tenant ? '' : ' (operator)'}`,
    ...change,
  });
}
