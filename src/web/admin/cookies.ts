/**
 * The few cookies of the admin page, read and written directly (their values are base64url or ids, so no
 * encoding is needed). Kept independent of any cookie plugin the server may register for other routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface CookieOptions {
  path: string;
  httpOnly: boolean;
  sameSite: 'Lax' | 'Strict';
  secure: boolean;
  /** Seconds; 0 deletes the cookie; absent = a browser-session cookie. */
  maxAge?: number;
}

/** The value of cookie `name` of the request, if any. */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0 || part.slice(0, i).trim() !== name) continue;
    const v = part
      .slice(i + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(v);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Adds a `Set-Cookie` header (keeps those already set on the reply). */
export function writeCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${o.path}`, `SameSite=${o.sameSite}`];
  if (o.maxAge !== undefined) {
    parts.push(`Max-Age=${Math.floor(o.maxAge)}`, `Expires=${new Date(Date.now() + o.maxAge * 1000).toUTCString()}`);
  }
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  // A later write of the same cookie in one reply replaces the earlier one.
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev.map(String) : [String(prev)];
  reply.removeHeader('set-cookie');
  reply.header('set-cookie', [...list.filter((c) => !c.startsWith(`${name}=`)), parts.join('; ')]);
}

/** Deletes a cookie in the browser. */
export function deleteCookie(reply: FastifyReply, name: string, o: CookieOptions): void {
  writeCookie(reply, name, '', { ...o, maxAge: 0 });
}
