import { createHmac } from 'node:crypto';
import { ACTIONS, Keyring, MAX_TOKEN_LENGTH, type LinkClaims, type SigningKey } from '../../src/links/token';

const S1 = 'secret-one-0123456789abcdefghijklmnop';
const S2 = 'secret-two-0123456789abcdefghijklmnop';
const S0 = 'secret-zero-0123456789abcdefghijklmno';
const NOW = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;

const claims: LinkClaims = {
  tenantId: 'acme',
  documentId: '3f2b8c1e-6a4d-4e8f-9b7a-1c2d3e4f5a6b',
  taskId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  taskVersion: 3,
  action: 'approve',
  recipient: 'jane.doe@example.com',
  expiresAt: NOW + 72 * HOUR,
};

const ring = (keys: SigningKey[]) => new Keyring(keys);
const single = () => ring([{ id: 'k1', secret: S1, state: 'active' }]);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const sigOf = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('base64url');
/** Builds a correctly signed token around an arbitrary payload string. */
const signRaw = (kid: string, secret: string, payloadJson: string) => {
  const signed = `v1.${kid}.${b64(payloadJson)}`;
  return `${signed}.${sigOf(secret, signed)}`;
};
const decodePayload = (token: string) => JSON.parse(Buffer.from(token.split('.')[2], 'base64url').toString('utf8'));

describe('Keyring.sign / verify', () => {
  it('round-trips every action', () => {
    const kr = single();
    for (const action of ACTIONS) {
      const token = kr.sign({ ...claims, action });
      expect(kr.verify(token, NOW)).toEqual({ ok: true, claims: { ...claims, action } });
    }
  });

  it('has the v1.<kid>.<payload>.<sig> shape, is URL-safe and compact', () => {
    const token = single().sign(claims);
    expect(token).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(token).not.toContain('=');
    expect(token.split('.')).toHaveLength(4);
    expect(token.startsWith('v1.k1.')).toBe(true);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThan(300);
  });

  it('is deterministic for equal claims', () => {
    expect(single().sign(claims)).toBe(single().sign({ ...claims }));
  });

  it('rejects a forged signature', () => {
    const token = single().sign(claims);
    const forged = ring([{ id: 'k1', secret: S2, state: 'active' }]).sign(claims);
    expect(forged).not.toBe(token);
    expect(single().verify(forged, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
    // Flip one signature character (keep it canonical base64url by changing the first char).
    const parts = token.split('.');
    parts[3] = (parts[3][0] === 'A' ? 'B' : 'A') + parts[3].slice(1);
    expect(single().verify(parts.join('.'), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['document id', { d: 'some-other-document' }],
    ['action', { a: 'reject' }],
    ['recipient', { r: 'mallory@example.com' }],
    ['expiry', { e: NOW + 1000 * HOUR }],
    ['task version', { v: 4 }],
  ])('rejects a payload with a swapped %s as bad_signature', (_name, change) => {
    const token = single().sign(claims);
    const parts = token.split('.');
    parts[2] = b64(JSON.stringify({ ...decodePayload(token), ...change }));
    expect(single().verify(parts.join('.'), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a token whose kid was swapped to another known key', () => {
    const kr = ring([
      { id: 'k2', secret: S2, state: 'active' },
      { id: 'k1', secret: S1, state: 'verify-only' },
    ]);
    const parts = kr.sign(claims).split('.');
    parts[1] = 'k1';
    expect(kr.verify(parts.join('.'), NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports expiry at and after expiresAt, not before', () => {
    const kr = single();
    const token = kr.sign(claims);
    expect(kr.verify(token, claims.expiresAt - 1).ok).toBe(true);
    expect(kr.verify(token, claims.expiresAt)).toEqual({ ok: false, reason: 'expired' });
    expect(kr.verify(token, claims.expiresAt + HOUR)).toEqual({ ok: false, reason: 'expired' });
  });

  it('checks the signature before expiry (expired forged token is bad_signature)', () => {
    const forged = ring([{ id: 'k1', secret: S2, state: 'active' }]).sign({ ...claims, expiresAt: NOW - HOUR });
    expect(single().verify(forged, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('reports an unknown key id', () => {
    const other = ring([{ id: 'k9', secret: S1, state: 'active' }]).sign(claims);
    expect(single().verify(other, NOW)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('reports a retired key as retired_key (and a forged one under that kid as bad_signature)', () => {
    const old = single().sign(claims);
    const kr = ring([
      { id: 'k2', secret: S2, state: 'active' },
      { id: 'k1', secret: S1, state: 'retired' },
    ]);
    expect(kr.verify(old, NOW)).toEqual({ ok: false, reason: 'retired_key' });
    const forged = ring([{ id: 'k1', secret: S0, state: 'active' }]).sign(claims);
    expect(kr.verify(forged, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('keeps verifying with a verify-only key while signing with the active key', () => {
    const old = single().sign(claims);
    const kr = ring([
      { id: 'k1', secret: S1, state: 'verify-only' },
      { id: 'k2', secret: S2, state: 'active' },
    ]);
    expect(kr.activeKeyId).toBe('k2');
    expect(kr.verify(old, NOW)).toEqual({ ok: true, claims });
    const fresh = kr.sign(claims);
    expect(fresh.split('.')[1]).toBe('k2');
    expect(kr.verify(fresh, NOW)).toEqual({ ok: true, claims });
    // The old keyring does not know k2.
    expect(single().verify(fresh, NOW)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  describe('malformed input', () => {
    const kr = single();
    const good = kr.sign(claims);
    const [, , payload, sig] = good.split('.');

    it.each([
      ['empty', ''],
      ['garbage', 'not a token at all'],
      ['garbage with dots', '...'],
      ['one segment', 'v1'],
      ['three segments', `v1.k1.${payload}`],
      ['five segments', `${good}.extra`],
      ['wrong version', `v2.k1.${payload}.${sig}`],
      ['bad kid characters', `v1.k!1.${payload}.${sig}`],
      ['kid too long', `v1.${'k'.repeat(17)}.${payload}.${sig}`],
      ['empty payload', `v1.k1..${sig}`],
      ['payload not base64url (+)', `v1.k1.${payload.slice(0, -1)}+.${sig}`],
      ['payload with padding', `v1.k1.${payload}==.${sig}`],
      ['payload impossible length (4n+1)', `v1.k1.${payload}${'A'.repeat((5 - (payload.length % 4)) % 4)}.${sig}`],
      ['signature not base64url', `v1.k1.${payload}.${sig.slice(0, -1)}/`],
      ['signature too short', `v1.k1.${payload}.${sig.slice(0, -2)}`],
      ['signature too long', `v1.k1.${payload}.${sig}AA`],
      ['non-canonical signature trailing bits', `v1.k1.${payload}.${sig.slice(0, -1)}${nonCanonical(sig.slice(-1))}`],
      ['whitespace', ` ${good}`],
    ])('%s → malformed', (_name, token) => {
      expect(kr.verify(token, NOW)).toEqual({ ok: false, reason: 'malformed' });
    });

    it('rejects inputs over 2 KB fast as malformed', () => {
      const huge = `v1.k1.${'A'.repeat(MAX_TOKEN_LENGTH)}.${sig}`;
      expect(kr.verify(huge, NOW)).toEqual({ ok: false, reason: 'malformed' });
      const enormous = 'v1.k1.' + 'A'.repeat(10_000_000) + '.' + sig;
      const start = process.hrtime.bigint();
      for (let i = 0; i < 100; i++) expect(kr.verify(enormous, NOW).ok).toBe(false);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      expect(ms).toBeLessThan(100);
    });

    it('rejects non-string input as malformed', () => {
      expect(kr.verify(undefined as unknown as string, NOW)).toEqual({ ok: false, reason: 'malformed' });
      expect(kr.verify(42 as unknown as string, NOW)).toEqual({ ok: false, reason: 'malformed' });
    });

    it.each([
      ['not JSON', 'not json{'],
      ['JSON array', '[1,2,3]'],
      ['JSON null', 'null'],
      ['missing field', JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'approve', r: 'a@b.co' })],
      ['unknown action', JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'delete', r: 'a@b.co', e: NOW + HOUR })],
      ['bad recipient', JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'approve', r: 'nobody', e: NOW + HOUR })],
      [
        'non-integer version',
        JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1.5, a: 'approve', r: 'a@b.co', e: NOW + HOUR }),
      ],
      [
        'string expiry',
        JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'approve', r: 'a@b.co', e: String(NOW + HOUR) }),
      ],
      [
        'extra field',
        JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'approve', r: 'a@b.co', e: NOW + HOUR, x: 1 }),
      ],
    ])('a correctly signed but invalid payload (%s) → malformed', (_name, json) => {
      expect(kr.verify(signRaw('k1', S1, json), NOW)).toEqual({ ok: false, reason: 'malformed' });
    });

    it('accepts a correctly signed valid raw payload (sanity check of signRaw)', () => {
      const json = JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'open', r: 'a@b.co', e: NOW + HOUR });
      expect(kr.verify(signRaw('k1', S1, json), NOW).ok).toBe(true);
    });
  });

  it('never throws for arbitrary strings', () => {
    const kr = single();
    const good = kr.sign(claims);
    for (let i = 0; i < 500; i++) {
      const pos = i % good.length;
      const mutated = good.slice(0, pos) + String.fromCharCode(32 + (i % 95)) + good.slice(pos + 1);
      const r = kr.verify(mutated, NOW);
      if (mutated !== good) expect(r.ok).toBe(false);
    }
  });

  it('throws on a non-finite now', () => {
    expect(() => single().verify(single().sign(claims), Number.NaN)).toThrow(TypeError);
  });

  it('refuses to sign invalid claims without echoing values', () => {
    const kr = single();
    expect(() => kr.sign({ ...claims, recipient: 'not-an-email' })).toThrow(/recipient/);
    expect(() => kr.sign({ ...claims, action: 'delete' as never })).toThrow(/action/);
    expect(() => kr.sign({ ...claims, taskVersion: -1 })).toThrow(/taskVersion/);
    expect(() => kr.sign({ ...claims, documentId: '' })).toThrow(/documentId/);
    try {
      kr.sign({ ...claims, recipient: 'secret-looking-value' });
    } catch (e) {
      expect((e as Error).message).not.toContain('secret-looking-value');
    }
  });
});

describe('Keyring constructor', () => {
  it.each<[string, SigningKey[], RegExp]>([
    ['no keys', [], /at least one/],
    ['no active key', [{ id: 'k1', secret: S1, state: 'verify-only' }], /exactly one active key.*none/],
    [
      'two active keys',
      [
        { id: 'k1', secret: S1, state: 'active' },
        { id: 'k2', secret: S2, state: 'active' },
      ],
      /exactly one active key.*found 2/,
    ],
    [
      'duplicate id',
      [
        { id: 'k1', secret: S1, state: 'active' },
        { id: 'k1', secret: S2, state: 'verify-only' },
      ],
      /duplicate key id 'k1'/,
    ],
    ['bad id characters', [{ id: 'k.1', secret: S1, state: 'active' }], /key id must match/],
    ['empty id', [{ id: '', secret: S1, state: 'active' }], /key id must match/],
    ['id too long', [{ id: 'k'.repeat(17), secret: S1, state: 'active' }], /key id must match/],
    ['short secret', [{ id: 'k1', secret: 'short', state: 'active' }], /secret of key 'k1' must be at least 32/],
    ['unknown state', [{ id: 'k1', secret: S1, state: 'enabled' as never }], /unknown state/],
  ])('rejects %s', (_name, keys, message) => {
    expect(() => new Keyring(keys)).toThrow(message);
  });

  it('never puts a secret in an error message', () => {
    try {
      new Keyring([{ id: 'k1', secret: 'tooshort-secret', state: 'active' }]);
      throw new Error('expected to throw');
    } catch (e) {
      expect((e as Error).message).not.toContain('tooshort-secret');
    }
  });

  it('accepts a 16-char id with - and _', () => {
    expect(new Keyring([{ id: 'Key_2025-01-abcd', secret: S1, state: 'active' }]).activeKeyId).toBe('Key_2025-01-abcd');
  });
});

describe('Keyring.fromString', () => {
  it('treats a plain secret as one active key k1', () => {
    const kr = Keyring.fromString(S1);
    expect(kr.activeKeyId).toBe('k1');
    expect(kr.verify(single().sign(claims), NOW)).toEqual({ ok: true, claims });
  });

  it('trims surrounding whitespace of a plain secret', () => {
    expect(Keyring.fromString(`  ${S1}\n`).verify(single().sign(claims), NOW).ok).toBe(true);
  });

  it('parses ids, secrets and states', () => {
    const kr = Keyring.fromString(`k2:${S2}, k1:${S1}:verify-only ,k0:${S0}:retired`);
    expect(kr.activeKeyId).toBe('k2');
    expect(kr.verify(single().sign(claims), NOW)).toEqual({ ok: true, claims });
    const k0 = ring([{ id: 'k0', secret: S0, state: 'active' }]).sign(claims);
    expect(kr.verify(k0, NOW)).toEqual({ ok: false, reason: 'retired_key' });
    expect(kr.sign(claims).split('.')[1]).toBe('k2');
  });

  it('makes the first key without a state active, regardless of position', () => {
    const kr = Keyring.fromString(`k1:${S1}:verify-only,k2:${S2}`);
    expect(kr.activeKeyId).toBe('k2');
  });

  it('makes later keys without a state verify-only', () => {
    const kr = Keyring.fromString(`k2:${S2},k1:${S1}`);
    expect(kr.activeKeyId).toBe('k2');
    expect(kr.verify(single().sign(claims), NOW)).toEqual({ ok: true, claims });
  });

  it('accepts an explicit active state', () => {
    expect(Keyring.fromString(`k1:${S1}:verify-only,k2:${S2}:active`).activeKeyId).toBe('k2');
  });

  it.each([
    ['empty', '', /empty/],
    ['blank', '   ', /empty/],
    ['empty entry', `k1:${S1},,k2:${S2}:verify-only`, /entry #2 is empty/],
    ['trailing comma', `k1:${S1},`, /entry #2 is empty/],
    ['too many colons', `k1:${S1}:verify-only:x`, /entry #1: expected/],
    ['missing secret', 'k1:', /entry #1: key id and secret must not be empty/],
    ['missing id', `:${S1}`, /entry #1: key id and secret must not be empty/],
    ['unknown state', `k1:${S1}:sometimes`, /entry #1: unknown key state/],
    ['entry without colon among several', `k1:${S1},${S2}`, /entry #2: expected/],
    ['no active key', `k1:${S1}:verify-only`, /exactly one active key/],
    ['two active keys', `k1:${S1},k2:${S2}:active`, /exactly one active key.*found 2/],
    ['short plain secret', 'too-short', /secret of key 'k1' must be at least 32/],
    ['short secret', `k1:short`, /secret of key 'k1' must be at least 32/],
    ['bad id', `k 1:${S1}`, /key id must match/],
    ['duplicate id', `k1:${S1},k1:${S2}:verify-only`, /duplicate key id 'k1'/],
  ])('rejects %s', (_name, spec, message) => {
    expect(() => Keyring.fromString(spec)).toThrow(message);
  });
});

/** Returns a base64url char with the same data bits as `last` but a non-zero ignored low bit (non-canonical encoding). */
function nonCanonical(last: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // A 43-char signature encodes 32 bytes; the last char carries 4 data bits + 2 padding bits (must be 0).
  return alphabet[alphabet.indexOf(last) | 1];
}

describe('Keyring.signPreferences / verifyPreferences', () => {
  const prefs = { tenantId: 'acme', userKey: 'jane', recipient: 'jane.doe@example.com', expiresAt: NOW + 72 * HOUR };

  it('round-trips, with its own p1 prefix, URL-safe', () => {
    const kr = single();
    const token = kr.signPreferences(prefs);
    expect(token).toMatch(/^p1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(kr.verifyPreferences(token, NOW)).toEqual({ ok: true, claims: prefs });
  });

  it('is never taken for an action token, nor the reverse', () => {
    const kr = single();
    expect(kr.verify(kr.signPreferences(prefs), NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(kr.verifyPreferences(kr.sign(claims), NOW)).toEqual({ ok: false, reason: 'malformed' });
    // an action payload re-signed under the p1 prefix still is not preferences claims
    const payload = b64(JSON.stringify({ t: 'acme', d: 'd', k: 'k', v: 1, a: 'approve', r: 'a@b.co', e: NOW + HOUR }));
    const signed = `p1.k1.${payload}`;
    expect(kr.verifyPreferences(`${signed}.${sigOf(S1, signed)}`, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects forged, tampered, expired and retired tokens', () => {
    const kr = single();
    const token = kr.signPreferences(prefs);
    const [v, kid, payload] = token.split('.');
    const other = b64(JSON.stringify({ t: 'acme', u: 'boss', r: 'boss@example.com', e: prefs.expiresAt }));
    expect(kr.verifyPreferences(`${v}.${kid}.${other}.${token.split('.')[3]}`, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(kr.verifyPreferences(`${v}.${kid}.${payload}.${sigOf(S2, `${v}.${kid}.${payload}`)}`, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(kr.verifyPreferences(token, prefs.expiresAt)).toEqual({ ok: false, reason: 'expired' });
    const retired = ring([
      { id: 'k2', secret: S2, state: 'active' },
      { id: 'k1', secret: S1, state: 'retired' },
    ]);
    expect(retired.verifyPreferences(token, NOW)).toEqual({ ok: false, reason: 'retired_key' });
    expect(ring([{ id: 'k9', secret: S0, state: 'active' }]).verifyPreferences(token, NOW)).toEqual({
      ok: false,
      reason: 'unknown_key',
    });
    expect(kr.verifyPreferences('p1.nope', NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to sign invalid claims without echoing values', () => {
    expect(() => single().signPreferences({ ...prefs, recipient: 'not-an-address' })).toThrow(
      /invalid claims \(recipient\)/,
    );
  });
});
