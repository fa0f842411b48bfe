import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Per-process key: secrets are compared as HMACs of equal length, so the time taken tells nothing, not even the length. */
const COMPARE_KEY = randomBytes(32);

/** Constant-time comparison of two secrets of any lengths. */
export function sameSecret(a: string, b: string): boolean {
  const mac = (v: string) => createHmac('sha256', COMPARE_KEY).update(v).digest();
  return timingSafeEqual(mac(a), mac(b));
}
