import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the webhook server received, and what it answered. */
export interface WebhookCall {
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  status: number;
}

/** An in-process stand-in for the pipeline's webhook endpoint: records every call; can be told to fail. */
export interface WebhookServer {
  /** `http://127.0.0.1:<port>/hooks`: pass as the tenant's webhookUrl (add a suffix to tell tenants apart). */
  url: string;
  calls: WebhookCall[];
  /** Answer `status` (e.g. 503) to every call for `ms` milliseconds from now, then 200 again. */
  failFor(ms: number, status?: number): void;
  /** Calls whose `x-docnotify-delivery` header is `deliveryId`. */
  callsFor(deliveryId: string): WebhookCall[];
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const calls: WebhookCall[] = [];
  let failUntil = 0;
  let failStatus = 503;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = Date.now() < failUntil ? failStatus : 200;
      calls.push({
        at: Date.now(),
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status,
      });
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(status === 200 ? '{"ok":true}' : '{"error":"unavailable"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    calls,
    failFor(ms, status = 503) {
      failUntil = Date.now() + ms;
      failStatus = status;
    },
    callsFor: (deliveryId) => calls.filter((c) => c.headers['x-docnotify-delivery'] === deliveryId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Verifies `x-docnotify-signature: t=<unix>,v1=<hex>` the way docs/webhooks.md tells the pipeline to:
 * HMAC-SHA256(secret, "<t>.<raw body>"), compared in constant time, `t` within `toleranceSeconds`.
 */
export function verifyWebhookSignature(
  header: string | string[] | undefined,
  body: string,
  secret: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  if (typeof header !== 'string') return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(parts.v1 ?? ''))
    return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'));
}
