/**
 * Signed action-link tokens (`GET/POST /actions/{token}`).
 *
 * Format: `v1.<kid>.<payload>.<sig>` where
 * - `kid` is the signing key id (`[A-Za-z0-9_-]{1,16}`),
 * - `payload` is base64url (no padding) of a compact JSON object with short keys,
 * - `sig` is base64url (no padding) of HMAC-SHA256(secret, "v1.<kid>.<payload>").
 *
 * Every character is in `[A-Za-z0-9._-]`, so the token is safe in a URL path segment as is.
 * Node-only (uses `node:crypto`); never import this from workflow code. See docs/action-links.md.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Actions a link can carry. */
export const ACTIONS = ['approve', 'reject', 'validate', 'snooze', 'open'] as const;

/** One of {@link ACTIONS}. */
export type LinkAction = (typeof ACTIONS)[number];

/** What a signed action link asserts. */
export interface LinkClaims {
  tenantId: string;
  documentId: string;
  /** Pending task the link acts on. */
  taskId: string;
  /** Version of the pending task when the link was issued; lets the handler reject stale links. */
  taskVersion: number;
  action: LinkAction;
  /** Email address the link was sent to. */
  recipient: string;
  /** Expiry, epoch milliseconds. The token is expired when `now >= expiresAt`. */
  expiresAt: number;
}

/** Lifecycle of a signing key: `active` signs and verifies, `verify-only` only verifies, `retired` verifies nothing. */
export type KeyState = 'active' | 'verify-only' | 'retired';

/** All {@link KeyState} values. */
export const KEY_STATES: readonly KeyState[] = ['active', 'verify-only', 'retired'];

/** An HMAC key with its id and rotation state. */
export interface SigningKey {
  id: string;
  secret: string;
  state: KeyState;
}

/**
 * Why a token did not verify:
 * - `malformed`: not a well-formed v1 token (wrong shape, bad base64url, too long, or signed payload is not valid claims);
 * - `unknown_key`: the key id is not in the keyring;
 * - `retired_key`: the signature is genuine but its key has been retired;
 * - `bad_signature`: the signature does not match (forged or tampered token);
 * - `expired`: genuine, but `now >= expiresAt`.
 */
export type VerifyFailure = 'malformed' | 'unknown_key' | 'retired_key' | 'bad_signature' | 'expired';

/** Result of {@link Keyring.verify}. */
export type VerifyResult = { ok: true; claims: LinkClaims } | { ok: false; reason: VerifyFailure };

/** Token format version prefix. */
export const TOKEN_VERSION = 'v1';

/** Version prefix of preferences tokens (`/preferences/{token}`): signed data, so no action token is one. */
export const PREFERENCES_TOKEN_VERSION = 'p1';

/** What a signed preferences link asserts: whose preferences, in which tenant. */
export interface PreferenceClaims {
  tenantId: string;
  /** The directory user's id, or the lower-cased address of a recipient outside the directory. */
  userKey: string;
  /** The address the link was sent to (shown on the page). */
  recipient: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
}

/** Result of {@link Keyring.verifyPreferences}. */
export type PreferenceVerifyResult = { ok: true; claims: PreferenceClaims } | { ok: false; reason: VerifyFailure };

/** Inputs longer than this are rejected as `malformed` before any decoding or hashing. */
export const MAX_TOKEN_LENGTH = 2048;

/** Minimum length of a key secret, in characters. */
export const MIN_SECRET_LENGTH = 32;

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
/** Length of an unpadded base64url HMAC-SHA256 (32 bytes). */
const SIG_LENGTH = 43;

const id = z.string().min(1).max(128);

/** Schema of the decoded payload (short keys keep tokens compact). Unknown keys are rejected. */
const payloadSchema = z.strictObject({
  t: id,
  d: id,
  k: id,
  v: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  a: z.enum(ACTIONS),
  r: z.email().max(254),
  e: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});
type Payload = z.infer<typeof payloadSchema>;

/** Payload of a preferences token. Unknown keys are rejected. */
const preferencePayloadSchema = z.strictObject({
  t: id,
  u: z.string().min(1).max(320),
  r: z.email().max(254),
  e: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

const PREF_FIELD_NAMES: Record<string, keyof PreferenceClaims> = {
  t: 'tenantId',
  u: 'userKey',
  r: 'recipient',
  e: 'expiresAt',
};

const FIELD_NAMES: Record<string, keyof LinkClaims> = {
  t: 'tenantId',
  d: 'documentId',
  k: 'taskId',
  v: 'taskVersion',
  a: 'action',
  r: 'recipient',
  e: 'expiresAt',
};

function toPayload(c: LinkClaims): Payload {
  // Fixed key order so equal claims always produce equal tokens.
  return { t: c.tenantId, d: c.documentId, k: c.taskId, v: c.taskVersion, a: c.action, r: c.recipient, e: c.expiresAt };
}

function fromPayload(p: Payload): LinkClaims {
  return { tenantId: p.t, documentId: p.d, taskId: p.k, taskVersion: p.v, action: p.a, recipient: p.r, expiresAt: p.e };
}

function hmac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(data, 'utf8').digest();
}

/** True when `s` is the canonical unpadded base64url encoding of some bytes (rejects stray trailing bits). */
function isCanonicalB64url(s: string): boolean {
  if (!B64URL.test(s) || s.length % 4 === 1) return false;
  return Buffer.from(s, 'base64url').toString('base64url') === s;
}

const fail = (reason: VerifyFailure): { ok: false; reason: VerifyFailure } => ({ ok: false, reason });

/**
 * The set of signing keys: exactly one `active` key signs; `active` and `verify-only` keys verify;
 * `retired` keys are kept only so their tokens are reported as `retired_key` rather than `unknown_key`.
 * Error messages name key ids and positions but never secrets or tokens.
 */
export class Keyring {
  private readonly keys = new Map<string, SigningKey>();
  private readonly active: SigningKey;

  /**
   * @throws Error if there is not exactly one `active` key, an id is duplicated or not `[A-Za-z0-9_-]{1,16}`,
   *   a secret is shorter than {@link MIN_SECRET_LENGTH} characters, or a state is unknown.
   */
  constructor(keys: SigningKey[]) {
    if (!Array.isArray(keys) || keys.length === 0) throw new Error('keyring: at least one signing key is required');
    keys.forEach((key, i) => {
      const where = `keyring: key #${i + 1}`;
      if (typeof key?.id !== 'string' || !KEY_ID.test(key.id)) {
        throw new Error(`${where}: key id must match [A-Za-z0-9_-]{1,16}`);
      }
      if (this.keys.has(key.id)) throw new Error(`keyring: duplicate key id '${key.id}'`);
      if (typeof key.secret !== 'string' || key.secret.length < MIN_SECRET_LENGTH) {
        throw new Error(`keyring: secret of key '${key.id}' must be at least ${MIN_SECRET_LENGTH} characters`);
      }
      if (!KEY_STATES.includes(key.state)) {
        throw new Error(`keyring: key '${key.id}' has an unknown state; expected one of ${KEY_STATES.join(', ')}`);
      }
      this.keys.set(key.id, { id: key.id, secret: key.secret, state: key.state });
    });
    const active = [...this.keys.values()].filter((k) => k.state === 'active');
    if (active.length !== 1) {
      throw new Error(
        active.length === 0
          ? 'keyring: exactly one active key is required, found none'
          : `keyring: exactly one active key is required, found ${active.length} (${active.map((k) => k.id).join(', ')})`,
      );
    }
    this.active = active[0];
  }

  /**
   * Parses a key spec such as `"k2:secret2,k1:secret1:verify-only,k0:secret0:retired"`.
   * Entries are `id:secret` or `id:secret:state` separated by commas (whitespace around entries is ignored;
   * secrets cannot contain `:` or `,`). The first entry without a state is `active`; later entries without a
   * state are `verify-only`. A single plain secret with no `:` means one active key with id `k1`.
   * @throws Error naming the problem (entry position, never the secret).
   */
  static fromString(spec: string): Keyring {
    if (typeof spec !== 'string' || spec.trim() === '') throw new Error('keyring spec is empty');
    const trimmed = spec.trim();
    if (!trimmed.includes(':') && !trimmed.includes(',')) {
      return new Keyring([{ id: 'k1', secret: trimmed, state: 'active' }]);
    }
    let sawStateless = false;
    const keys = trimmed.split(',').map((raw, i): SigningKey => {
      const where = `keyring spec entry #${i + 1}`;
      const entry = raw.trim();
      if (entry === '') throw new Error(`${where} is empty`);
      const parts = entry.split(':');
      if (parts.length < 2 || parts.length > 3) {
        throw new Error(`${where}: expected 'id:secret' or 'id:secret:state'`);
      }
      const [kid, secret, state] = parts;
      if (kid === '' || secret === '') throw new Error(`${where}: key id and secret must not be empty`);
      if (state === undefined) {
        const s: KeyState = sawStateless ? 'verify-only' : 'active';
        sawStateless = true;
        return { id: kid, secret, state: s };
      }
      if (!(KEY_STATES as readonly string[]).includes(state)) {
        throw new Error(`${where}: unknown key state; expected one of ${KEY_STATES.join(', ')}`);
      }
      return { id: kid, secret, state: state as KeyState };
    });
    return new Keyring(keys);
  }

  /** Id of the key that {@link sign} uses. */
  get activeKeyId(): string {
    return this.active.id;
  }

  /**
   * Signs `claims` with the active key and returns a URL-safe token.
   * @throws Error listing the invalid claim fields (values are not echoed).
   */
  sign(claims: LinkClaims): string {
    const parsed = payloadSchema.safeParse(toPayload(claims));
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => FIELD_NAMES[String(i.path[0])] ?? String(i.path[0])))];
      throw new Error(`cannot sign action link: invalid claims (${fields.join(', ')})`);
    }
    const payload = Buffer.from(JSON.stringify(parsed.data), 'utf8').toString('base64url');
    const signed = `${TOKEN_VERSION}.${this.active.id}.${payload}`;
    return `${signed}.${hmac(this.active.secret, signed).toString('base64url')}`;
  }

  /**
   * Verifies a token. Never throws for any token input and never echoes the token.
   * Order: shape (`malformed`) → key id (`unknown_key`) → signature (`bad_signature`) → key retired
   * (`retired_key`) → payload (`malformed`) → expiry (`expired`). The payload is only decoded after the
   * signature checks out, and an expired forged token is `bad_signature`.
   * @param now current time, epoch ms.
   * @throws TypeError if `now` is not a finite number (a caller bug, not a token problem).
   */
  verify(token: string, now: number): VerifyResult {
    const opened = this.open(token, now, TOKEN_VERSION);
    if (!opened.ok) return opened;
    const parsed = payloadSchema.safeParse(opened.decoded);
    if (!parsed.success) return fail('malformed');

    const claims = fromPayload(parsed.data);
    if (now >= claims.expiresAt) return fail('expired');
    return { ok: true, claims };
  }

  /**
   * Signs the claims of a preferences link (`/preferences/{token}`) with the active key. The token is
   * `p1.<kid>.<payload>.<sig>`: its own version prefix is part of the signed data, so an action link never verifies as
   * a preferences link nor the reverse.
   * @throws Error listing the invalid claim fields (values are not echoed).
   */
  signPreferences(claims: PreferenceClaims): string {
    const parsed = preferencePayloadSchema.safeParse({
      t: claims.tenantId,
      u: claims.userKey,
      r: claims.recipient,
      e: claims.expiresAt,
    });
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((i) => PREF_FIELD_NAMES[String(i.path[0])] ?? '?'))];
      throw new Error(`cannot sign preferences link: invalid claims (${fields.join(', ')})`);
    }
    const payload = Buffer.from(JSON.stringify(parsed.data), 'utf8').toString('base64url');
    const signed = `${PREFERENCES_TOKEN_VERSION}.${this.active.id}.${payload}`;
    return `${signed}.${hmac(this.active.secret, signed).toString('base64url')}`;
  }

  /** Verifies a preferences token, as {@link verify} does an action token (same order, never throws for any token). */
  verifyPreferences(token: string, now: number): PreferenceVerifyResult {
    const opened = this.open(token, now, PREFERENCES_TOKEN_VERSION);
    if (!opened.ok) return opened;
    const parsed = preferencePayloadSchema.safeParse(opened.decoded);
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    const p = parsed.data;
    if (now >= p.e) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { tenantId: p.t, userKey: p.u, recipient: p.r, expiresAt: p.e } };
  }

  /** Shape, key, signature and key state of a `<version>` token; the decoded (unchecked) payload when they pass. */
  private open(
    token: string,
    now: number,
    version: string,
  ): { ok: true; decoded: unknown } | { ok: false; reason: VerifyFailure } {
    if (typeof now !== 'number' || !Number.isFinite(now))
      throw new TypeError('verify: now must be a finite epoch-ms number');
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return fail('malformed');
    const parts = token.split('.');
    if (parts.length !== 4) return fail('malformed');
    const [v, kid, payload, sig] = parts;
    if (v !== version || !KEY_ID.test(kid)) return fail('malformed');
    if (!isCanonicalB64url(payload) || sig.length !== SIG_LENGTH || !isCanonicalB64url(sig)) return fail('malformed');

    const key = this.keys.get(kid);
    if (!key) return fail('unknown_key');

    const expected = hmac(key.secret, `${v}.${kid}.${payload}`);
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return fail('bad_signature');
    if (key.state === 'retired') return fail('retired_key');

    try {
      return { ok: true, decoded: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) };
    } catch {
      return fail('malformed');
    }
  }
}
