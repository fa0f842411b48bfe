import { randomUUID } from 'node:crypto';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig, type Config } from '../../src/config';
import { workflowBundleOptions } from '../../src/workflow-bundle';

/** The services started by scripts/test.sh (src/dev/stack.ts). */
export function stackEnv(): { temporalAddress: string; smtpUrl: string; mailpitUrl: string; databaseUrl: string } {
  const need = (k: string) => {
    const v = process.env[k];
    if (!v)
      throw new Error(
        `${k} is not set: run integration tests through \`npm test\` (scripts/test.sh starts the services)`,
      );
    return v;
  };
  return {
    temporalAddress: need('TEMPORAL_ADDRESS'),
    smtpUrl: need('SMTP_URL'),
    mailpitUrl: need('MAILPIT_URL'),
    databaseUrl: need('DATABASE_URL'),
  };
}

/** A unique, readable id for one test (documents, tenants, task queues, addresses). */
export const uid = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A config for one test file: its own task queue so workers of other files never pick up its work. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const s = stackEnv();
  return loadConfig({
    TEMPORAL_ADDRESS: s.temporalAddress,
    DATABASE_URL: s.databaseUrl,
    SMTP_URL: s.smtpUrl,
    TASK_QUEUE: uid('tq'),
    API_TOKEN: 'test-token-0123456789abcdef',
    ACTION_LINK_SECRET: 'k1:test-secret-0123456789abcdef0123456789',
    MAIL_FROM: 'docnotify <docnotify@test.example>',
    PUBLIC_BASE_URL: 'http://127.0.0.1:3999',
    LOG_LEVEL: 'warn',
    SMTP_RETRY_FOR: '10m',
    // The tests' webhook endpoint listens on loopback over http (test/integration/ssrf.test.ts runs the strict policy).
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    ...overrides,
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    ...workflowBundleOptions,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never,
  });
  return bundle;
}

/** Polls `fn` until it returns a truthy value, or throws with `what` after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
