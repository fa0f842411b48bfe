/**
 * OpenTelemetry tracing (docs/tracing.md): off unless OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. When off, nothing is loaded or registered: the OpenTelemetry SDK,
 * the exporter and Temporal's interceptors are required only by `startTracing`, the worker runs the workflow bundle
 * without the tracing interceptors, and the helpers below call straight through.
 *
 * When on, the process gets one tracer provider (batch span processor, OTLP/HTTP exporter), registered globally
 * with the W3C trace-context propagator, and:
 *  - the web server: a SERVER span per request (`traceRequests`), the Temporal client interceptor, which carries
 *    the context to the workflow in the signal-with-start / start / update headers (`clientInterceptors`);
 *  - the worker: the workflow interceptors (in the traced bundle) with the span exporter sink, the activity
 *    interceptors (`workerTracing`), and a CLIENT span around each SMTP transaction (`traceSmtp`).
 */
import {
  context,
  propagation,
  ProxyTracerProvider,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './config';

/* The SDK loads only when tracing is on. */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
const sdk = {
  node: () => require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node'),
  resources: () => require('@opentelemetry/resources') as typeof import('@opentelemetry/resources'),
  exporter: () =>
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http'),
  temporal: () =>
    require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry'),
};
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

type TracingSettings = Pick<
  Config,
  'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' | 'OTEL_SERVICE_NAME' | 'OTEL_SDK_DISABLED'
>;

export interface Tracing {
  /** Where spans go (`<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given). */
  readonly url: string;
  readonly serviceName: string;
  /**
   * False when the host process (a pipeline running docnotify's plugin) had registered an OpenTelemetry SDK of its
   * own first: that one stays global and gets the request, activity and SMTP spans; docnotify's provider then carries
   * only the workflow spans (the sink needs a span processor of its own).
   */
  readonly registered: boolean;
  /** Exports the spans ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes and, once every user of the process's tracing stopped, shuts the provider down and unregisters it. */
  shutdown(): Promise<void>;
}

interface Active {
  tracing: Tracing;
  users: number;
  provider: import('@opentelemetry/sdk-trace-node').NodeTracerProvider; // eslint-disable-line @typescript-eslint/consistent-type-imports
  processor: import('@opentelemetry/sdk-trace-base').SpanProcessor; // eslint-disable-line @typescript-eslint/consistent-type-imports
  resource: import('@opentelemetry/resources').Resource; // eslint-disable-line @typescript-eslint/consistent-type-imports
}

let active: Active | undefined;

/** The OTLP/HTTP traces URL the settings name, or undefined when tracing is off. */
export function tracesUrl(config: TracingSettings): string | undefined {
  if (config.OTEL_SDK_DISABLED) return undefined;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  // As the exporter itself appends the signal's path to the generic endpoint.
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** True once `startTracing` set up this process's tracing (and until its last user shut it down). */
export const tracingActive = (): boolean => active !== undefined;

/**
 * Sets up tracing for this process when the configuration asks for it; returns undefined (and does nothing at all)
 * otherwise. A second call (the worker and the web server of `docnotify dev` share a process) returns the same
 * provider; the service name is the first caller's unless OTEL_SERVICE_NAME names one.
 *
 * The exporter reads its other settings from the environment as OpenTelemetry defines them
 * (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION and their _TRACES_ forms), the batch processor its OTEL_BSP_*,
 * the provider OTEL_TRACES_SAMPLER(_ARG) and OTEL_RESOURCE_ATTRIBUTES.
 */
export function startTracing(config: TracingSettings, defaultServiceName: string): Tracing | undefined {
  const url = tracesUrl(config);
  if (!url) return undefined;
  if (active) {
    active.users += 1;
    return active.tracing;
  }
  const { NodeTracerProvider, BatchSpanProcessor } = sdk.node();
  const { Resource, detectResourcesSync, envDetectorSync } = sdk.resources();
  const { OTLPTraceExporter } = sdk.exporter();
  const serviceName = config.OTEL_SERVICE_NAME ?? defaultServiceName;
  // OTEL_RESOURCE_ATTRIBUTES (read by the env detector) adds to these; OTEL_SERVICE_NAME wins over both.
  const resource = Resource.default()
    .merge(new Resource({ 'service.name': defaultServiceName, 'service.namespace': 'docnotify' }))
    .merge(detectResourcesSync({ detectors: [envDetectorSync] }))
    .merge(new Resource({ 'service.name': serviceName }));
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // A provider registered already is the host's: left in place (registering twice fails and would split the trace).
  const current = trace.getTracerProvider();
  const hostHasOne =
    !(current instanceof ProxyTracerProvider) || current.getDelegate() !== new ProxyTracerProvider().getDelegate();
  if (!hostHasOne) provider.register(); // global provider, AsyncLocalStorage context manager, W3C trace-context + baggage propagators
  const tracing: Tracing = {
    url,
    serviceName,
    registered: !hostHasOne,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (active?.tracing !== tracing) return;
      active.users -= 1;
      if (active.users > 0) return provider.forceFlush();
      active = undefined;
      await provider.shutdown();
      if (hostHasOne) return;
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  active = { tracing, users: 1, provider, processor, resource };
  return tracing;
}

/** The Temporal client's tracing interceptor: the context travels in the workflow's start, signal and update headers. */
export function clientInterceptors(): ClientInterceptors {
  return { workflow: [new (sdk.temporal().OpenTelemetryWorkflowClientInterceptor)()] };
}

/**
 * The worker options that trace activities and receive the workflows' spans (the workflow interceptors themselves
 * are in the traced bundle, see workflow-bundle.ts); `{}` when tracing is off.
 */
export function workerTracing(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!active) return {};
  const { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, makeWorkflowExporter } =
    sdk.temporal();
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(active.processor, active.resource) },
  };
}

const tracer = () => trace.getTracer('docnotify');

/**
 * Runs one SMTP transaction in a CLIENT span `smtp send` (server address and port, Message-ID, the server's reply,
 * accepted and rejected counts; the error and its SMTP code when it fails). Calls straight through when tracing is off.
 */
export async function traceSmtp<
  T extends { response?: unknown; messageId?: unknown; accepted?: unknown[]; rejected?: unknown[] },
>(server: { host: string; port: number }, messageId: string, send: () => Promise<T>): Promise<T> {
  if (!active) return send();
  const attributes: Attributes = {
    'server.address': server.host,
    'server.port': server.port,
    'email.message_id': messageId,
  };
  return tracer().startActiveSpan('smtp send', { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      const info = await send();
      span.setAttributes({
        'smtp.response': String(info.response ?? ''),
        ...(typeof info.messageId === 'string' ? { 'email.message_id': info.messageId } : {}),
        ...(info.accepted ? { 'smtp.accepted': info.accepted.length } : {}),
        ...(info.rejected ? { 'smtp.rejected': info.rejected.length } : {}),
      });
      return info;
    } catch (err) {
      const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
      span.recordException(err as Error);
      span.setAttributes({
        'error.type': e.code ?? 'Error',
        ...(e.responseCode ? { 'smtp.response_code': e.responseCode } : {}),
        ...(e.response ? { 'smtp.response': e.response } : {}),
      });
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Requests not traced: probes and scrapes, every few seconds, would drown the traces that matter. */
const UNTRACED = new Set(['/healthz', '/metrics']);

/**
 * A SERVER span per HTTP request (`POST /api/v1/documents/:documentId/events`), continuing the caller's trace when
 * it sends a `traceparent` header; the handler runs in the span's context, so the Temporal client's spans are its
 * children. Registers nothing when tracing is off. Call before registering the routes' plugins.
 */
export function traceRequests(app: FastifyInstance): void {
  if (!active) return;
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url;
    if (route && UNTRACED.has(route)) return done();
    const parent = propagation.extract(context.active(), req.headers);
    spans.set(
      req,
      tracer().startSpan(
        `${req.method} ${route ?? '(no route)'}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': req.method,
            'url.path': req.url.split('?')[0],
            ...(route ? { 'http.route': route } : {}),
            'client.address': req.ip,
          },
        },
        parent,
      ),
    );
    done();
  });
  // After the body is read (its stream callbacks run outside any request context): the handler runs in the span.
  app.addHook('preHandler', (req, _reply, done) => {
    const span = spans.get(req);
    if (!span) return done();
    context.with(trace.setSpan(context.active(), span), done);
  });
  app.addHook('onError', async (req, _reply, err) => {
    spans.get(req)?.recordException(err);
  });
  const end = (req: FastifyRequest, status?: number) => {
    const span = spans.get(req);
    if (!span) return;
    spans.delete(req);
    if (status !== undefined) span.setAttribute('http.response.status_code', status);
    if (status === undefined || status >= 500)
      span.setStatus({ code: SpanStatusCode.ERROR, ...(status === undefined ? { message: 'request aborted' } : {}) });
    span.end();
  };
  app.addHook('onResponse', async (req, reply) => end(req, reply.statusCode));
  app.addHook('onRequestAbort', async (req) => end(req));
}
