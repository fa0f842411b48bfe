/**
 * Administrator sign-in for `/admin`: one account from ADMIN_CREDENTIALS ("user:password"), a signed
 * stateless session cookie, and CSRF tokens bound to the session. Node only.
 *
 * - Session cookie: `v1.<payload>.<sig>`; payload = base64url JSON `{ u: user, s: session id, e: expiry (epoch ms) }`,
 *   sig = HMAC-SHA256(key, "session." + payload). The key is derived (HKDF) from ADMIN_CREDENTIALS and
 *   ACTION_LINK_SECRET, so changing the password (or the link secret) signs every administrator out.
 * - CSRF: the synchronizer token of a session is HMAC(key, "csrf." + session id); every form carries it in `_csrf`.
 * - Sign-in form: a random nonce in a short-lived pre-session cookie, and HMAC(key, "pre." + nonce) in the form
 *   (login CSRF).
 * Every comparison of secrets or MACs is constant-time.
 *
 * Why our own session and CSRF token rather than @fastify/session and @fastify/csrf-protection: the session is stateless
 * and signed, so there is no server-side session store, and any of several web processes accepts it (they derive the
 * same key). The CSRF token is bound to that session (a MAC of its id), so it needs no state either. The plugins would
 * do the same with a store of their own, or a cookie and a secret of their own beside ours, for no gain. The cookies
 * themselves are read and written by @fastify/cookie (cookies.ts).
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../config';

/** A signed-in administrator. */
export interface AdminSession {
  user: string;
  /**
   * A tenant administrator's tenant (a named account): the session reaches only it. Absent for the operator's
   * ADMIN_CREDENTIALS, which works on any tenant.
   */
  tenant?: string;
  /** The account's password change time when signed in: a later change (or deleting the account) ends the session. */
  passwordChangedAt?: string;
  /** Random per sign-in; the CSRF token is bound to it. */
  sid: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Names and lifetimes of the admin cookies. */
export const COOKIES = {
  session: 'docnotify_admin',
  pre: 'docnotify_admin_pre',
  flash: 'docnotify_admin_flash',
  tenant: 'docnotify_admin_tenant',
  /** Set on a successful sign-in; lets that account sign in from this browser while its account is throttled. */
  device: 'docnotify_admin_device',
} as const;

/** Lifetime of the device cookie. @default 180 days */
export const DEVICE_TTL_MS = 180 * 86_400_000;

/** Absolute session lifetime. @default 8 hours */
export const SESSION_TTL_MS = 8 * 3_600_000;
/** Lifetime of a sign-in form (its pre-session cookie). @default 1 hour */
export const PRE_TTL_MS = 3_600_000;

const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Signs and checks admin sessions, CSRF tokens and small signed values (flash messages). */
export class AdminAuth {
  private readonly key: Buffer;
  private readonly user?: string;
  private readonly password?: string;
  /** Signed-out sessions of this process, until they expire (sessions are otherwise stateless). */
  private readonly revoked = new Map<string, number>();

  constructor(
    config: Pick<Config, 'ADMIN_CREDENTIALS' | 'ACTION_LINK_SECRET'>,
    private readonly now: () => number = Date.now,
  ) {
    const creds = config.ADMIN_CREDENTIALS;
    if (creds) {
      const i = creds.indexOf(':');
      this.user = creds.slice(0, i);
      this.password = creds.slice(i + 1);
    }
    // The key signs every process's sessions alike: from ADMIN_CREDENTIALS and the link secret (changing either signs
    // everyone out). With neither, it is random: sessions then last as long as this process.
    const ikm =
      creds || config.ACTION_LINK_SECRET ? `${creds ?? ''}\n${config.ACTION_LINK_SECRET ?? ''}` : randomBytes(32);
    this.key = Buffer.from(hkdfSync('sha256', ikm, 'docnotify-admin', 'admin-session-v1', 32));
  }

  /** Is ADMIN_CREDENTIALS set? (Named accounts sign in without it.) */
  get configured(): boolean {
    return this.user !== undefined;
  }

  private mac(purpose: string, data: string): Buffer {
    return createHmac('sha256', this.key).update(`${purpose}.${data}`).digest();
  }

  /** Constant-time check of both user and password (their lengths are hidden by comparing MACs). */
  checkCredentials(user: string, password: string): boolean {
    if (this.user === undefined || this.password === undefined) return false;
    const u = sameBytes(this.mac('user', user), this.mac('user', this.user));
    const p = sameBytes(this.mac('password', password), this.mac('password', this.password));
    return u && p;
  }

  /** A new session and its cookie value: the operator's, or a tenant administrator's (`account`). */
  issue(account?: { username: string; tenantId: string; passwordChangedAt: string }): {
    session: AdminSession;
    cookie: string;
  } {
    const sid = randomBytes(18).toString('base64url');
    const expiresAt = this.now() + SESSION_TTL_MS;
    const session: AdminSession = account
      ? {
          user: account.username,
          tenant: account.tenantId,
          passwordChangedAt: account.passwordChangedAt,
          sid,
          expiresAt,
        }
      : { user: this.user ?? '', sid, expiresAt };
    const payload = b64(
      JSON.stringify({
        u: session.user,
        s: sid,
        e: expiresAt,
        ...(account ? { t: account.tenantId, pc: account.passwordChangedAt } : {}),
      }),
    );
    return { session, cookie: `v1.${payload}.${b64(this.mac('session', payload))}` };
  }

  /** The session of a cookie value, or undefined when it is absent, forged, expired, signed out or of another user. */
  verify(cookie: string | undefined): AdminSession | undefined {
    if (!cookie || cookie.length > 1000) return undefined;
    const [v, payload, sig] = cookie.split('.');
    if (v !== 'v1' || !payload || !sig) return undefined;
    if (!sameBytes(Buffer.from(sig, 'base64url'), this.mac('session', payload))) return undefined;
    let claims: { u?: unknown; s?: unknown; e?: unknown; t?: unknown; pc?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (typeof claims.u !== 'string' || typeof claims.s !== 'string' || typeof claims.e !== 'number') return undefined;
    if (claims.e <= this.now() || this.revoked.has(claims.s)) return undefined;
    if (typeof claims.t === 'string' && typeof claims.pc === 'string') {
      return { user: claims.u, tenant: claims.t, passwordChangedAt: claims.pc, sid: claims.s, expiresAt: claims.e };
    }
    if (claims.u !== this.user) return undefined;
    return { user: claims.u, sid: claims.s, expiresAt: claims.e };
  }

  /** Signs the session out in this process (the cookie is also cleared in the browser). */
  revoke(session: AdminSession): void {
    const now = this.now();
    for (const [sid, exp] of this.revoked) if (exp <= now) this.revoked.delete(sid);
    this.revoked.set(session.sid, session.expiresAt);
  }

  /** The session's synchronizer token, put in every form as `_csrf`. */
  csrfToken(session: AdminSession): string {
    return b64(this.mac('csrf', session.sid));
  }

  checkCsrf(session: AdminSession, token: unknown): boolean {
    return (
      typeof token === 'string' &&
      token.length < 200 &&
      sameBytes(Buffer.from(token, 'base64url'), this.mac('csrf', session.sid))
    );
  }

  /** A fresh pre-session nonce for the sign-in form. */
  preNonce(): string {
    return randomBytes(18).toString('base64url');
  }

  /** The sign-in form's token for a pre-session nonce. */
  preToken(nonce: string): string {
    return b64(this.mac('pre', nonce));
  }

  checkPreToken(nonce: string | undefined, token: unknown): boolean {
    return (
      !!nonce &&
      typeof token === 'string' &&
      token.length < 200 &&
      sameBytes(Buffer.from(token, 'base64url'), this.mac('pre', nonce))
    );
  }

  /** `value.sig` for small values the browser carries (flash messages). */
  seal(value: string): string {
    const payload = b64(value);
    return `${payload}.${b64(this.mac('seal', payload))}`;
  }

  unseal(sealed: string | undefined): string | undefined {
    if (!sealed) return undefined;
    const [payload, sig] = sealed.split('.');
    if (!payload || !sig || !sameBytes(Buffer.from(sig, 'base64url'), this.mac('seal', payload))) return undefined;
    return Buffer.from(payload, 'base64url').toString('utf8');
  }
}

/** Only local admin paths may be the target after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2000) return '/admin/rules';
  if (
    !/^\/admin(?:[/?#]|$)/.test(next) ||
    next.includes('//') ||
    next.includes('\\') ||
    next.startsWith('/admin/sign-')
  )
    return '/admin/rules';
  return next;
}
