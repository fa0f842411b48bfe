import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { redactActionLinks, REDACTED_PREFIX, tokenFingerprint } from '../../src/links/redact';
import { ACTIONS, Keyring, type LinkClaims } from '../../src/links/token';

const NOW = Date.UTC(2026, 2, 2);
const ring = Keyring.fromString(
  'k1:secret-one-0123456789abcdefghijklmnop,k0:secret-zero-0123456789abcdefghijklmno:verify-only',
);
const claims = (action: LinkClaims['action'], expiresAt = NOW + 3_600_000): LinkClaims => ({
  tenantId: 'acme',
  documentId: 'INV-1',
  taskId: 'evt-9',
  taskVersion: 2,
  action,
  recipient: 'ana@example.com',
  expiresAt,
});
const BASE = 'https://docnotify.example.com';
/** Every substring of `body` that still verifies as a token. */
const liveTokens = (body: string) => (body.match(/[A-Za-z0-9._-]{60,}/g) ?? []).filter((t) => ring.verify(t, NOW).ok);

describe('tokenFingerprint', () => {
  it('is the first 12 hex characters of the sha256 of the token (what the action pages log)', () => {
    const token = ring.sign(claims('approve'));
    expect(tokenFingerprint(token)).toBe(createHash('sha256').update(token).digest('hex').slice(0, 12));
    expect(tokenFingerprint(token)).toMatch(/^[0-9a-f]{12}$/);
    expect(tokenFingerprint(ring.sign(claims('approve', NOW + 1)))).not.toBe(tokenFingerprint(token));
  });
});

describe('redactActionLinks', () => {
  const tokens = ACTIONS.map((a) => ring.sign(claims(a)));
  const html = `<p>Hello</p>${tokens.map((t, i) => `<a href="${BASE}/actions/${t}" class="btn">${ACTIONS[i]}</a>`).join(' ')}<p>Or paste ${BASE}/actions/${tokens[0]}</p>`;
  const text = `Approve: ${BASE}/actions/${tokens[0]}\nReject: <${BASE}/actions/${tokens[1]}>\n(${BASE}/actions/${tokens[3]}).`;

  it('replaces every action-link token in HTML and text by redacted-<fingerprint>; nothing left verifies', () => {
    expect(liveTokens(html)).toHaveLength(ACTIONS.length + 1); // the fixture has live links to begin with
    const h = redactActionLinks(html);
    const t = redactActionLinks(text);
    expect(liveTokens(h)).toEqual([]);
    expect(liveTokens(t)).toEqual([]);
    for (const token of tokens) expect(h).not.toContain(token);
    expect(h).toContain(
      `<a href="${BASE}/actions/${REDACTED_PREFIX}${tokenFingerprint(tokens[0])}" class="btn">approve</a>`,
    );
    expect(t).toBe(
      `Approve: ${BASE}/actions/redacted-${tokenFingerprint(tokens[0])}\nReject: <${BASE}/actions/redacted-${tokenFingerprint(tokens[1])}>\n(${BASE}/actions/redacted-${tokenFingerprint(tokens[3])}).`,
    );
  });

  it('keeps everything else as it was', () => {
    const h = redactActionLinks(html);
    expect(h.replace(/redacted-[0-9a-f]{12}/g, 'X')).toBe(
      html.replace(/v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}/g, 'X'),
    );
    const plain = '<p>Invoice R-2026-0042, v1.2 of the contract, see https://example.com/actions/help</p>';
    expect(redactActionLinks(plain)).toBe(plain);
    expect(redactActionLinks(undefined)).toBeUndefined();
    expect(redactActionLinks('')).toBe('');
  });

  it('redacts tokens under any base URL and of any key (a rotated-out key, a changed PUBLIC_BASE_URL)', () => {
    const old = Keyring.fromString('k0:secret-zero-0123456789abcdefghijklmno').sign(claims('snooze'));
    expect(ring.verify(old, NOW).ok).toBe(true);
    const body = `http://localhost:3000/actions/${old} and https://other.example/x/actions/${tokens[2]}?lang=de`;
    expect(redactActionLinks(body)).toBe(
      `http://localhost:3000/actions/redacted-${tokenFingerprint(old)} and https://other.example/x/actions/redacted-${tokenFingerprint(tokens[2])}?lang=de`,
    );
  });

  it('is idempotent', () => {
    const once = redactActionLinks(html);
    expect(redactActionLinks(once)).toBe(once);
  });

  it('leaves no verifying token in any body around any links', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(...tokens).map((t) => `${BASE}/actions/${t}`),
          ),
          { maxLength: 8 },
        ),
        (parts) => {
          const body = parts.join(' ');
          expect(liveTokens(redactActionLinks(body))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
