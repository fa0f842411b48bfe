/**
 * The admin page's cookies, read and written by @fastify/cookie registered in the admin scope only (`req.cookies`,
 * `reply.setCookie`, `reply.clearCookie`). Their names are COOKIES in auth.ts; every one is `HttpOnly`, `SameSite=Lax`,
 * `Path=/admin`, and `Secure` when PUBLIC_BASE_URL is https. Their values are base64url or ids, signed by AdminAuth
 * where they need to be: the plugin gets no secret of its own.
 */
import fastifyCookie, { type CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Registers @fastify/cookie on the admin scope (it parses the `Cookie` header of every admin request). */
export async function registerAdminCookies(admin: FastifyInstance): Promise<void> {
  await admin.register(fastifyCookie);
}

/** The attributes of every admin cookie; with `maxAgeSeconds` also `Max-Age` and `Expires`, else a browser-session one. */
export function adminCookieOptions(secure: boolean, maxAgeSeconds?: number): CookieSerializeOptions {
  const lifetime =
    maxAgeSeconds === undefined
      ? {}
      : { maxAge: Math.floor(maxAgeSeconds), expires: new Date(Date.now() + Math.floor(maxAgeSeconds) * 1000) };
  return { path: '/admin', httpOnly: true, sameSite: 'lax', secure, ...lifetime };
}

/** The value of admin cookie `name` of the request, if any. */
export function readAdminCookie(req: FastifyRequest, name: string): string | undefined {
  return req.cookies[name];
}

/** Sets admin cookie `name` (a later write of the same cookie in one reply replaces the earlier one). */
export function setAdminCookie(
  reply: FastifyReply,
  secure: boolean,
  name: string,
  value: string,
  maxAgeSeconds?: number,
): void {
  reply.setCookie(name, value, adminCookieOptions(secure, maxAgeSeconds));
}

/** Deletes admin cookie `name` in the browser. */
export function clearAdminCookie(reply: FastifyReply, secure: boolean, name: string): void {
  reply.clearCookie(name, adminCookieOptions(secure));
}
