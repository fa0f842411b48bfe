/**
 * Issue 11, point 6 (tracing): with OTEL_EXPORTER_OTLP_ENDPOINT set, `docnotify serve` and `docnotify worker` (the
 * real CLI, two processes) export one trace from the HTTP request through the Temporal client, the workflow and the
 * sendEmail activity to the SMTP transaction, to an OTLP/HTTP collector (a loopback HTTP server in this process that
 * decodes what the exporter POSTs to /v1/traces). Unset, nothing is registered and nothing is exported.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { trace } from '@opentelemetry/api';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  NoopSpanProcessor,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { startTracing, tracesUrl, tracingActive } from '../../src/tracing';
import { startWeb } from '../../src/web/start';
import { tracedWorkflowBundleOptions } from '../../src/workflow-bundle';
import { eventually, testConfig, uid, workflowBundle } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';

const BIN = path.resolve(__dirname, '../../bin/docnotify');

/** One span as the collector received it (OTLP JSON), with its process's service.name. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status?: { code?: number };
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type OtlpAttribute = { key: string; value: OtlpValue };
const attrs = (list: OtlpAttribute[] = []) =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : (value.boolValue ?? value.doubleValue)),
    ]),
  );

/** A minimal OTLP/HTTP collector: JSON (what @opentelemetry/exporter-trace-otlp-http sends), gzip or not. */
class Collector {
  readonly spans: ReceivedSpan[] = [];
  readonly problems: string[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer(
      (req, res) =>
        void this.receive(req).then(([code, body]) =>
          res.writeHead(code, { 'content-type': 'application/json' }).end(body),
        ),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async receive(req: IncomingMessage): Promise<[number, string]> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/traces') return this.refuse(404, `${req.method} ${req.url}`);
    if (!String(req.headers['content-type']).startsWith('application/json'))
      return this.refuse(415, `content-type ${req.headers['content-type']}`);
    const raw = Buffer.concat(chunks);
    const body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as {
      resourceSpans: {
        resource?: { attributes?: OtlpAttribute[] };
        scopeSpans: { spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: OtlpAttribute[] })[] }[];
      }[];
    };
    for (const rs of body.resourceSpans) {
      const service = String(attrs(rs.resource?.attributes)['service.name']);
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans)
          this.spans.push({
            ...s,
            parentSpanId: s.parentSpanId ?? '',
            service,
            attributes: attrs(s.attributes as OtlpAttribute[] | undefined),
          });
    }
    return [200, '{}'];
  }

  private refuse(code: number, what: string): [number, string] {
    this.problems.push(what);
    return [code, '{}'];
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const collector = new Collector();
/** Both tests' documents run on this task queue (served by the traced worker). */
const config = testConfig();
const children: ChildProcess[] = [];
let endpoint: string;
/** The document of the traced run (its history has the trace headers). */
let tracedDoc: string | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Runs `bin/docnotify <command>` with the test stack's settings and `extra`; its output is kept for messages. */
function run(command: string, env: Record<string, string>): () => string {
  const child = spawn(BIN, [command], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DOCNOTIFY_NO_DEV_ENV: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return () => out.slice(-2000);
}

async function historyOf(documentId: string) {
  const temporal = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS }) });
  try {
    return await temporal.workflow.getHandle(`document/default/${documentId}`).fetchHistory();
  } finally {
    await temporal.connection.close();
  }
}

/** The header fields of the document's WorkflowExecutionStarted event. */
async function startedHeader(documentId: string): Promise<Record<string, unknown> | undefined> {
  const history = await historyOf(documentId);
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!started) throw new Error(`${documentId}: the first event of its history is not WorkflowExecutionStarted`);
  return started.header?.fields ?? undefined;
}

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // the replay workers' state changes are not news
  endpoint = await collector.start();
});

afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))),
  );
  await collector.stop();
});

test('settings: tracing is on only with an endpoint, OTEL_SDK_DISABLED wins, the traces path is added as the exporter does', () => {
  const off = { OTEL_SDK_DISABLED: false };
  expect(tracesUrl(off)).toBeUndefined();
  expect(tracesUrl({ ...off, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
    'http://collector:4318/v1/traces',
  );
  expect(
    tracesUrl({
      ...off,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t.example/otlp',
    }),
  ).toBe('https://t.example/otlp');
  expect(tracesUrl({ OTEL_SDK_DISABLED: true, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeUndefined();
  expect(() => testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(
    /OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL with scheme http or https/,
  );
});

test('one trace from the HTTP request through signal-with-start, the workflow and sendEmail to the SMTP transaction', async () => {
  const port = await freePort();
  const common = {
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
    DATABASE_URL: config.DATABASE_URL!,
    SMTP_URL: config.SMTP_URL!,
    TASK_QUEUE: config.TASK_QUEUE,
    API_TOKEN: config.API_TOKEN!,
    ACTION_LINK_SECRET: config.ACTION_LINK_SECRET!,
    MAIL_FROM: config.MAIL_FROM,
    LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  const workerOutput = run('worker', common);
  const webOutput = run('serve', { ...common, PORT: String(port) });
  const web = `http://127.0.0.1:${port}`;
  await eventually(
    async () => (await fetch(`${web}/healthz`).catch(() => undefined))?.status === 200,
    `the web server up (output: ${webOutput()})`,
    60_000,
    500,
  );

  // The pipeline's own trace context: the request's span continues it, so the whole trace has this id.
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const doc = uid('INV');
  const to = `${uid('traced')}@example.com`;
  const res = await fetch(`${web}/api/v1/documents/${doc}/events`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${config.API_TOKEN}`,
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${callerSpanId}-01`,
    },
    body: JSON.stringify([
      { type: 'assigned', assignee: to },
      { type: 'status_changed', status: 'exported' },
    ]),
  });
  expect(res.status).toBe(202);
  const [mail] = await waitForMail(to, 1, 120_000).catch((e: Error) => {
    throw new Error(`${e.message}\nworker: ${workerOutput()}\nweb: ${webOutput()}`);
  });

  // The run's own span ends when the workflow does (the document is exported: right after its email).
  const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
  await eventually(
    async () => {
      const names = new Set(inTrace().map((s) => s.name));
      return ['smtp send', 'RunActivity:sendEmail', 'RunWorkflow:documentWorkflow'].every((n) => names.has(n));
    },
    `the worker's spans at the collector (received: ${collector.spans.length}; worker: ${workerOutput()})`,
    60_000,
    250,
  );

  const spans = inTrace();
  const one = (name: string) => {
    const found = spans.filter((s) => s.name === name);
    expect({ name, count: found.length }).toEqual({ name, count: 1 });
    return found[0];
  };
  const http = one('POST /api/v1/documents/:documentId/events');
  const starts = spans.filter((s) => s.name === 'SignalWithStartWorkflow:documentWorkflow');
  const run_ = one('RunWorkflow:documentWorkflow');
  const schedule = one('StartActivity:sendEmail');
  const activity = one('RunActivity:sendEmail');
  const smtp = one('smtp send');

  // The parent chain, across both processes and Temporal's headers.
  expect(http).toMatchObject({ service: 'docnotify-web', kind: 2, parentSpanId: callerSpanId });
  expect(http.attributes).toMatchObject({
    'http.request.method': 'POST',
    'http.route': '/api/v1/documents/:documentId/events',
    'url.path': `/api/v1/documents/${doc}/events`,
    'http.response.status_code': 202,
  });
  expect(starts).toHaveLength(2); // one per event of the batch
  for (const s of starts) expect(s).toMatchObject({ service: 'docnotify-web', parentSpanId: http.spanId });
  expect(starts.map((s) => s.spanId)).toContain(run_.parentSpanId); // the first event's signal-with-start started the run
  expect(run_).toMatchObject({
    service: 'docnotify-worker',
    attributes: expect.objectContaining({ workflowId: `document/default/${doc}`, taskQueue: config.TASK_QUEUE }),
  });
  for (const signal of spans.filter((s) => s.name === 'HandleSignal:documentEvent'))
    expect(starts.map((s) => s.spanId)).toContain(signal.parentSpanId);
  expect(spans.filter((s) => s.name === 'HandleSignal:documentEvent')).toHaveLength(2);
  expect(schedule.parentSpanId).toBe(run_.spanId);
  expect(activity).toMatchObject({ service: 'docnotify-worker', parentSpanId: schedule.spanId });
  expect(smtp).toMatchObject({ service: 'docnotify-worker', kind: 3, parentSpanId: activity.spanId });

  // The SMTP span names the accepted message: the Message-ID Mailpit received, the server's 250 reply.
  expect(String(smtp.attributes['email.message_id']).replace(/^<|>$/g, '')).toBe(mail.MessageID);
  expect(String(smtp.attributes['smtp.response'])).toMatch(/^250 /);
  expect(smtp.attributes).toMatchObject({
    'server.address': new URL(config.SMTP_URL!).hostname,
    'server.port': Number(new URL(config.SMTP_URL!).port),
    'smtp.accepted': 1,
    'smtp.rejected': 0,
  });
  expect(spans.filter((s) => s.status?.code === 2)).toEqual([]); // no span in error
  expect(collector.problems).toEqual([]);
  // Probes are not traced.
  expect(collector.spans.filter((s) => s.attributes['url.path'] === '/healthz')).toEqual([]);
  // The context travelled in the workflow's start header (the untraced test below finds none).
  expect(Object.keys((await startedHeader(doc)) ?? {})).toEqual(['_tracer-data']);
  tracedDoc = doc;
}, 240_000);

test('unset: no tracer provider is registered, the client has no interceptor, and a request exports nothing', async () => {
  const untraced = testConfig({ PORT: String(await freePort()), TASK_QUEUE: config.TASK_QUEUE });
  expect(untraced.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
  expect(startTracing(untraced, 'docnotify-test')).toBeUndefined();
  const web = await startWeb(untraced, { host: '127.0.0.1' });
  try {
    expect(tracingActive()).toBe(false);
    // The global provider is still the API's no-op one: spans made anywhere in this process record nothing.
    expect(trace.getTracer('docnotify').startSpan('probe').isRecording()).toBe(false);
    const webSpans = () => collector.spans.filter((s) => s.service === 'docnotify-web').length;
    const before = webSpans();
    const traceId = randomBytes(16).toString('hex');
    const doc = uid('INV');
    const res = await web.app.inject({
      method: 'POST',
      url: `/api/v1/documents/${doc}/events`,
      headers: {
        authorization: `Bearer ${config.API_TOKEN}`,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      payload: { type: 'status_changed', status: 'exported' },
    });
    expect(res.statusCode).toBe(202);
    // The workflow's start carries no trace header: nothing of the caller's trace reaches Temporal.
    expect(Object.keys((await startedHeader(doc)) ?? {})).toEqual([]);
    await new Promise((r) => setTimeout(r, 500)); // > OTEL_BSP_SCHEDULE_DELAY, were anything exported from here
    expect(webSpans()).toBe(before);
    expect(collector.spans.filter((s) => s.traceId === traceId)).toEqual([]);
  } finally {
    await web.close();
  }
}, 60_000);

test('unset: the worker, web server and client modules load only the OpenTelemetry API, not the SDK nor the interceptors', () => {
  const script =
    "require('./src/worker'); require('./src/web/start'); require('./src/client'); console.log(JSON.stringify(Object.keys(require.cache)))";
  const loaded = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    }),
  ) as string[];
  const otel = loaded
    .filter((f) => /@opentelemetry|interceptors-opentelemetry/.test(f))
    .map((f) => f.replace(/.*node_modules\//, '').split('/build/')[0]);
  expect([...new Set(otel)]).toEqual(['@opentelemetry/api']);
}, 60_000);

test('on: startTracing registers one provider for the process, shared by its users, unregistered by the last', async () => {
  const on = testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'docnotify-probe' });
  const a = startTracing(on, 'docnotify-worker');
  const b = startTracing(on, 'docnotify-web');
  expect(a).toBeDefined();
  expect(b).toBe(a);
  expect(a!.serviceName).toBe('docnotify-probe');
  expect(a!.registered).toBe(true);
  expect(tracingActive()).toBe(true);
  const span = trace.getTracer('docnotify').startSpan('probe');
  expect(span.isRecording()).toBe(true);
  span.end();
  await a!.shutdown();
  expect(tracingActive()).toBe(true); // b still uses it
  await b!.shutdown();
  expect(tracingActive()).toBe(false);
  expect(trace.getTracer('docnotify').startSpan('after').isRecording()).toBe(false);
  const probe = collector.spans.find((s) => s.name === 'probe' && s.service === 'docnotify-probe');
  expect(probe).toBeDefined();
});

test('a host process with its own OpenTelemetry SDK (the plugin in a pipeline) keeps it: docnotify registers nothing over it', async () => {
  const host = new InMemorySpanExporter();
  const hostProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(host)] });
  hostProvider.register();
  try {
    const ours = startTracing(testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), 'docnotify-worker');
    expect(ours?.registered).toBe(false);
    trace.getTracer('docnotify').startSpan('host-span').end();
    await ours!.shutdown();
    expect(tracingActive()).toBe(false);
    // Still the host's after docnotify stopped.
    trace.getTracer('docnotify').startSpan('after-docnotify').end();
    expect(host.getFinishedSpans().map((s) => s.name)).toEqual(['host-span', 'after-docnotify']);
  } finally {
    await hostProvider.shutdown();
    trace.disable();
  }
});

test("tracing can be turned on and off for running documents: each bundle replays the other's histories", async () => {
  expect(tracedDoc).toBeDefined(); // the traced run above
  const dir = path.join(__dirname, '..', 'histories');
  const recorded = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ workflowId: f, history: JSON.parse(readFileSync(path.join(dir, f), 'utf8')) }));
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  const traced = await bundleWorkflowCode({ ...tracedWorkflowBundleOptions, logger: quiet as never });
  const errors = async (runs: AsyncIterable<{ workflowId: string; error?: Error }>) => {
    const out: [string, string | undefined][] = [];
    for await (const r of runs) out.push([r.workflowId, r.error?.message]);
    return out;
  };
  // Histories recorded without tracing, replayed by a traced worker (the sink is there, as the worker injects it).
  const sinks = { exporter: makeWorkflowExporter(new NoopSpanProcessor(), Resource.default()) };
  expect(await errors(Worker.runReplayHistories({ workflowBundle: traced, sinks }, recorded))).toEqual(
    recorded.map((h) => [h.workflowId, undefined]),
  );
  // The traced run's history (trace headers on its start, signals and activities), replayed without tracing.
  const history = await historyOf(tracedDoc!);
  expect(
    await errors(
      Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [
        { workflowId: `document/default/${tracedDoc}`, history },
      ]),
    ),
  ).toEqual([[`document/default/${tracedDoc}`, undefined]]);
}, 120_000);
