import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

/** Process-wide metrics (prom-client's global registry), exposed by the web server and, with METRICS_PORT, the worker. */
let defaultsCollected = false;
export function ensureDefaultMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register });
}

const once = <T>(name: string, make: () => T): T => (register.getSingleMetric(name) as T | undefined) ?? make();

/** Emails by outcome (`sent`, `failed`, `duplicate_suppressed`, `temporary_failure`) and kind (first, reminder, ...). */
export const emailsTotal = once(
  'docnotify_emails_total',
  () =>
    new Counter({
      name: 'docnotify_emails_total',
      help: 'Email send outcomes',
      labelNames: ['outcome', 'kind'] as const,
    }),
);
/** Duration of one SMTP transaction. */
export const smtpSendSeconds = once(
  'docnotify_smtp_send_seconds',
  () =>
    new Histogram({
      name: 'docnotify_smtp_send_seconds',
      help: 'SMTP transaction duration',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
);
/** Document events received over HTTP, by outcome (`accepted`, `rejected`). */
export const eventsTotal = once(
  'docnotify_events_total',
  () =>
    new Counter({
      name: 'docnotify_events_total',
      help: 'Document events received over HTTP',
      labelNames: ['outcome'] as const,
    }),
);

export { register };

/**
 * The worker's own port (it has no web server): `/metrics` — docnotify's metrics, then the SDK's (`sdkMetricsUrl`) —
 * and `/healthz` (200 when every check is `ok`, else 503 naming what is not).
 */
export function serveMetrics(
  port: number,
  worker?: { health(): Promise<{ ok: boolean; checks: Record<string, string> }>; sdkMetricsUrl?: string },
): Server {
  ensureDefaultMetrics();
  const server = createServer((req, res) => {
    const fail = () => res.writeHead(500).end();
    if (req.url === '/healthz' && worker) {
      worker
        .health()
        .then(
          ({ ok, checks }) =>
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ok, checks })),
          fail,
        );
      return;
    }
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const sdk = worker?.sdkMetricsUrl
      ? fetch(worker.sdkMetricsUrl, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.text(),
          () => '# the SDK metrics did not answer\n',
        )
      : Promise.resolve('');
    Promise.all([register.metrics(), sdk]).then(
      ([own, core]) => res.writeHead(200, { 'content-type': register.contentType }).end(`${own}\n${core}`),
      fail,
    );
  });
  server.listen(port);
  return server;
}
