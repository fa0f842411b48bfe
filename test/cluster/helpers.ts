/**
 * What the cluster tests share: the cluster's addresses (the env file of `npm run cluster -- --env-out`, sourced by
 * scripts/test.sh), the HTTP API of its web processes, and Mailpit with paging (a tier sends hundreds of emails).
 */
import { loadConfig, type Config } from '../../src/config';
import { eventually } from '../helpers/env';

export interface ClusterEnv {
  temporalAddress: string;
  namespace: string;
  databaseUrl: string;
  smtpUrl: string;
  mailpitUrl: string;
  taskQueue: string;
  webUrls: string[];
  workerPids: number[];
  workerMetricsUrls: string[];
  apiToken: string;
  actionLinkSecret: string;
  publicBaseUrl: string;
}

export function clusterEnv(): ClusterEnv {
  const need = (k: string): string => {
    const v = process.env[k];
    if (!v)
      throw new Error(
        `${k} is not set: run the cluster tier through \`npm test\` (scripts/test.sh starts \`npm run cluster\`)`,
      );
    return v;
  };
  const list = (k: string): string[] => need(k).split(',').filter(Boolean);
  return {
    temporalAddress: need('TEMPORAL_ADDRESS'),
    namespace: need('TEMPORAL_NAMESPACE'),
    databaseUrl: need('DATABASE_URL'),
    smtpUrl: need('SMTP_URL'),
    mailpitUrl: need('MAILPIT_URL'),
    taskQueue: need('TASK_QUEUE'),
    webUrls: list('WEB_URLS'),
    workerPids: list('WORKER_PIDS').map(Number),
    workerMetricsUrls: list('WORKER_METRICS_URLS'),
    apiToken: need('API_TOKEN'),
    actionLinkSecret: need('ACTION_LINK_SECRET'),
    publicBaseUrl: need('PUBLIC_BASE_URL'),
  };
}

/** The config of the cluster's docnotify processes, for the tests' own client and stores. */
export function clusterConfig(): Config {
  const c = clusterEnv();
  return loadConfig({
    TEMPORAL_ADDRESS: c.temporalAddress,
    TEMPORAL_NAMESPACE: c.namespace,
    DATABASE_URL: c.databaseUrl,
    SMTP_URL: c.smtpUrl,
    TASK_QUEUE: c.taskQueue,
    API_TOKEN: c.apiToken,
    ACTION_LINK_SECRET: c.actionLinkSecret,
    PUBLIC_BASE_URL: c.publicBaseUrl,
    LOG_LEVEL: 'warn',
  });
}

/** A call of one web process's HTTP API (bearer token); throws with the body on an unexpected status. */
export async function api<T = unknown>(
  webUrl: string,
  method: string,
  pathAndQuery: string,
  body?: unknown,
  expect: number[] = [200, 201, 202],
): Promise<T> {
  const res = await fetch(`${webUrl}/api/v1${pathAndQuery}`, {
    method,
    headers: {
      authorization: `Bearer ${clusterEnv().apiToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!expect.includes(res.status))
    throw new Error(`${method} ${webUrl}/api/v1${pathAndQuery}: ${res.status} ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface Mail {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string }[];
  Created: string;
}

/** Every message whose recipient matches `to` (Mailpit search, all pages). */
export async function mailTo(to: string): Promise<Mail[]> {
  const out: Mail[] = [];
  for (let start = 0; ; start += 500) {
    const res = await fetch(
      `${clusterEnv().mailpitUrl}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=500&start=${start}`,
    );
    if (!res.ok) throw new Error(`mailpit search: ${res.status}`);
    const page = (await res.json()) as { messages: Mail[] };
    out.push(...page.messages);
    if (page.messages.length < 500) return out;
  }
}

export async function mailCount(to: string): Promise<number> {
  const res = await fetch(`${clusterEnv().mailpitUrl}/api/v1/search?query=${encodeURIComponent(`to:"${to}"`)}&limit=1`);
  return ((await res.json()) as { messages_count: number }).messages_count;
}

export async function waitForMailTo(to: string, n: number, timeoutMs: number): Promise<Mail[]> {
  return eventually(
    async () => {
      const m = await mailTo(to);
      return m.length >= n ? m : undefined;
    },
    `${n} email(s) to ${to}`,
    timeoutMs,
    500,
  );
}

export async function mailHtml(id: string): Promise<string> {
  const res = await fetch(`${clusterEnv().mailpitUrl}/api/v1/message/${id}`);
  return ((await res.json()) as { HTML: string }).HTML;
}

/** Runs `fn` over `items`, at most `limit` at once. */
export async function inParallel<T>(
  items: T[],
  limit: number,
  fn: (t: T, i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}
