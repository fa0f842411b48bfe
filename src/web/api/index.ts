/**
 * The HTTP API, `/api/v1` (bearer token: see plugins/principal.ts), one module per resource. The routes register in
 * this order, which is the order of the paths in the OpenAPI document (plugins/openapi.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../deps';
import { authenticateApi } from '../plugins/principal';
import { serializerCompiler, validatorCompiler } from '../plugins/openapi';
import { registerEvents } from './events';
import { registerDocuments } from './documents';
import { registerRules } from './rules';
import { registerDirectory } from './directory';
import { registerTemplates } from './templates';
import { registerTenants } from './tenants';
import { registerSuppressions } from './suppressions';
import { registerAudit } from './audit';
import { registerLog } from './log';

/** Where the API lives. */
export const API_PREFIX = '/api/v1';

/** `/api/v1/...` routes (bearer token checked by the caller). */
export function registerApi(api: FastifyInstance, deps: WebDeps): void {
  registerEvents(api, deps);
  registerDocuments(api, deps);
  registerRules(api, deps);
  registerDirectory(api, deps);
  registerTemplates(api, deps);
  registerTenants(api, deps);
  registerSuppressions(api, deps);
  registerAudit(api, deps);
  registerLog(api, deps);
}

/**
 * Mounts the API at `/api/v1` in its own scope: zod validates and serializes there only (the action and admin pages
 * keep fastify's defaults), and every request is authenticated first.
 */
export async function mountApi(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await app.register(
    async (api) => {
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler(deps.log));
      api.addHook('onRequest', authenticateApi(deps));
      registerApi(api, deps);
    },
    { prefix: API_PREFIX },
  );
}
