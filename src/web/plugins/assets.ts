/**
 * The pages' stylesheets and the admin page's script, served from `public/` at `/assets/` (@fastify/static). The
 * folder sits at the package root, beside `src/` and `dist/`, so the same path works from the sources and the build.
 */
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const ASSETS_PREFIX = '/assets/';
const PUBLIC_DIR = path.resolve(__dirname, '../../../public');

export async function registerAssets(app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: ASSETS_PREFIX,
    maxAge: '5m',
    index: false,
    list: false,
    decorateReply: false,
    setHeaders: (reply) => {
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}
