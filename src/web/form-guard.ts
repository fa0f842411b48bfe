/** The hidden-field form token of the action and preference pages (CSRF), bound to the page's link. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Outcome of {@link FormGuard.check}. */
export type FormCheck = 'ok' | 'invalid' | 'expired';

/**
 * Hidden-field form tokens: `<issuedAt s>.<nonce>.<mac>` where `mac` is base64url
 * HMAC-SHA256(formKey, "<issuedAt>.<nonce>.<link token>") and `formKey` is HMAC-SHA256 keyed with the
 * `ACTION_LINK_SECRET` spec of the string "docnotify/action-form/v1" (so it changes when keys rotate;
 * a form left open across a rotation must be reloaded). A form token only works for the link it was
 * shown for, and for `ttlMs` (the pages' `formTtlMs` option). Node-only.
 */
export class FormGuard {
  private readonly key: Buffer;

  constructor(
    secretSpec: string,
    private readonly ttlMs = 3_600_000,
  ) {
    this.key = createHmac('sha256', secretSpec).update('docnotify/action-form/v1').digest();
  }

  /** A fresh form token for `linkToken`. @param now epoch ms */
  issue(linkToken: string, now: number): string {
    const t = String(Math.floor(now / 1000));
    const nonce = randomBytes(16).toString('base64url');
    return `${t}.${nonce}.${this.mac(t, nonce, linkToken).toString('base64url')}`;
  }

  /** @param now epoch ms */
  check(value: unknown, linkToken: string, now: number): FormCheck {
    const m = typeof value === 'string' ? /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
    if (!m) return 'invalid';
    const given = Buffer.from(m[3], 'base64url');
    const expected = this.mac(m[1], m[2], linkToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    const age = now - Number(m[1]) * 1000;
    if (age < -60_000) return 'invalid';
    return age > this.ttlMs ? 'expired' : 'ok';
  }

  private mac(t: string, nonce: string, linkToken: string): Buffer {
    return createHmac('sha256', this.key).update(`${t}.${nonce}.${linkToken}`).digest();
  }
}
