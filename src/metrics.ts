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
export const emailsTotal = once('docnotify_emails_total', () => new Counter({ name: 'docnotify_emails_total', help: 'Email send outcomes', labelNames: ['outcome', 'kind'] as const }));
/** Duration of one SMTP transaction. */
export const smtpSendSeconds = once('docnotify_smtp_send_seconds', () => new Histogram({ name: 'docnotify_smtp_send_seconds', help: 'SMTP transaction duration', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] }));
/** Document events received over HTTP, by outcome (`accepted`, `rejected`). */
export const eventsTotal = once('docnotify_events_total', () => new Counter({ name: 'docnotify_events_total', help: 'Document events received over HTTP', labelNames: ['outcome'] as const }));

export { register };

/** Serves /metrics on its own port (for worker processes, which have no web server). */
export function serveMetrics(port: number): Server {
  ensureDefaultMetrics();
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    register.metrics().then((body) => res.writeHead(200, { 'content-type': register.contentType }).end(body), () => res.writeHead(500).end());
  });
  server.listen(port);
  return server;
}
