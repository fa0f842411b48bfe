/**
 * The stack of the browser tests: the real worker, the real web server listening on a free port that is the
 * PUBLIC_BASE_URL of the links in its emails, a client, and Chromium. `stop()` closes them in reverse order.
 */
import net from 'node:net';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { DocnotifyClient } from '../../src/client';
import { createLogger } from '../../src/log';
import { buildServer } from '../../src/web/server';
import { launchBrowser } from './browser';
import { testConfig } from './env';
import { startTestWorker } from './worker';

/** A port nobody listens on now (on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export interface WebStack {
  config: ReturnType<typeof testConfig>;
  worker: Awaited<ReturnType<typeof startTestWorker>>;
  client: DocnotifyClient;
  app: FastifyInstance;
  browser: Browser;
  stop(): Promise<void>;
}

export async function startWebStack(overrides: Record<string, string> = {}): Promise<WebStack> {
  const port = await freePort();
  const config = testConfig({ PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, PORT: String(port), ...overrides });
  const worker = await startTestWorker(config);
  const client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  const app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: createLogger('warn'),
    sendTest: async () => ({ status: 'skipped' }),
  });
  await app.listen({ port, host: '127.0.0.1' });
  const browser = await launchBrowser();
  return {
    config,
    worker,
    client,
    app,
    browser,
    async stop() {
      await browser.close();
      await app.close();
      await client.close();
      await worker.stop();
    },
  };
}
