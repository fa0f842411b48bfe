import type { FastifyInstance } from 'fastify';
import { DocnotifyClient } from '../client';
import { required, type Config } from '../config';
import { sendTestEmail } from '../email/test-send';
import { Mailer } from '../email/transport';
import { createLogger } from '../log';
import { openStores, type Stores } from '../store';
import { startTracing } from '../tracing';
import { buildServer } from './server';

export interface RunningWeb {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** Starts the HTTP server on PORT (API, action pages, admin page, health, metrics). */
export async function startWeb(config: Config, opts: { stores?: Stores; host?: string } = {}): Promise<RunningWeb> {
  const log = createLogger(config.LOG_LEVEL, 'web');
  const stores = opts.stores ?? (await openStores(required(config, 'DATABASE_URL', 'by the web server'), config));
  const tracing = startTracing(config, 'docnotify-web'); // before the client: it then traces workflow calls
  const client = await DocnotifyClient.connect({ ...config.temporal, taskQueue: config.TASK_QUEUE });
  const mailer = config.SMTP_URL ? new Mailer({ ...config, SMTP_URL: config.SMTP_URL }) : undefined;
  const app = await buildServer({
    config,
    client,
    stores,
    log,
    sendTest: (input) => sendTestEmail(config, stores, input, mailer),
  });
  await app.listen({ port: config.PORT, host: opts.host ?? '0.0.0.0' }).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'EADDRINUSE'
      ? new Error(`Port ${config.PORT} (HTTP) is already in use: stop what is using it, or set PORT to another port`, {
          cause: e,
        })
      : e;
  });
  const url = `http://localhost:${config.PORT}`;
  log.info({ url }, 'HTTP server listening');
  return {
    app,
    url,
    async close() {
      await app.close();
      mailer?.close();
      await client.close();
      if (!opts.stores) await stores.db.end();
      await tracing?.shutdown();
    },
  };
}
