/**
 * Secrets of tenant-scoped credentials (node:crypto only):
 * - API keys `dnk_<id>_<secret>`: `id` (12 hex) finds the key, only SHA-256 of the 256-bit random `secret` is stored
 *   (a random secret needs no slow hash; a guessed one has 2^-256 odds).
 * - Administrator passwords: scrypt (memory-hard; N = 2^15, r = 8, p = 1: 32 MiB and ~100 ms per check), stored as
 *   `scrypt$N$r$p$<salt>$<hash>` so that the cost can be raised later without invalidating old hashes.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';

export const API_KEY_SCOPES = ['ingest', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_RE = /^dnk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A new API key: the full key (shown once), its id and the hash to store. */
export function newApiKey(): { key: string; id: string; secretHash: Buffer } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `dnk_${id}_${secret}`, id, secretHash: sha256(secret) };
}

/** The id and secret of a presented key, or undefined when it is not shaped like one (checked before any lookup). */
export function parseApiKey(presented: string): { id: string; secret: string } | undefined {
  if (presented.length > 100) return undefined;
  const m = KEY_RE.exec(presented);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

/** Constant-time check of a presented secret against the stored hash. */
export function keySecretMatches(secret: string, storedHash: Buffer): boolean {
  const given = sha256(secret);
  return given.length === storedHash.length && timingSafeEqual(given, storedHash);
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
const maxmem = (N: number, r: number) => 256 * N * r; // twice what scrypt needs

function scryptAsync(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, 32, { N, r, p, maxmem: maxmem(N, r) }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );
}

/** The stored form of a password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Does `password` match the stored form? (false for a malformed one) */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (![N, R, P].every(Number.isInteger) || N > 2 ** 20 || R > 32 || P > 16) return false;
  const expected = Buffer.from(hash, 'base64url');
  const given = await scryptAsync(password, Buffer.from(salt, 'base64url'), N, R, P);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Password rules for administrator accounts (NIST 800-63B: length, not composition). @returns the problem, if any */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 12) return 'password: must be at least 12 characters';
  if (password.length > 200) return 'password: must be at most 200 characters';
  return undefined;
}

/**
 * The network a client address belongs to for sign-in throttling: its /64 for IPv6 (one host usually owns a whole
 * /64, so rotating addresses inside it gains nothing), the address itself for IPv4; IPv4-mapped IPv6 as IPv4.
 */
export function throttleNetwork(ip: string): string {
  if (!ipaddr.isValid(ip)) return `addr:${ip.slice(0, 64)}`;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === 'ipv4') return `ipv4:${addr.toString()}`;
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((x) => x.toString(16));
  return `ipv6:${parts.join(':')}::/64`;
}
