/**
 * In-memory token buckets for the action pages (per link and per client address).
 * Per process: with several web servers behind a balancer each enforces its own limit, which is
 * enough to blunt bursts; the links themselves are unguessable, so this is about load, not secrecy.
 */
import { isIPv6 } from 'node:net';

export interface BucketOptions {
  /** Requests allowed in a burst (the bucket's size). */
  capacity: number;
  /** Sustained rate: tokens added back per second. */
  refillPerSecond: number;
  /** Buckets kept at most; the least recently used are dropped beyond it. @default 10000 */
  maxKeys?: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/** One bucket per key; {@link take} spends a token or says how long until the next one. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxKeys: number;

  constructor(private readonly options: BucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0))
      throw new Error('rate limit: capacity must be >= 1 and refillPerSecond > 0');
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** @param now epoch ms */
  take(key: string, now = Date.now()): TakeResult {
    const { capacity, refillPerSecond } = this.options;
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    this.buckets.delete(key); // re-inserted below: Map order is least recently used first
    b.tokens = Math.min(capacity, b.tokens + (Math.max(0, now - b.at) / 1000) * refillPerSecond);
    b.at = now;
    let result: TakeResult;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      result = { ok: true };
    } else {
      result = { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / refillPerSecond)) };
    }
    this.buckets.set(key, b);
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return result;
  }
}

/**
 * The key of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64 prefix,
 * since one host usually holds a whole /64.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
