/**
 * The directory rules send to, `/api/v1/directory`: users and groups (list, read, create or replace, delete) and the
 * whole directory at once. Each change is recorded in the audit log.
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../errors';
import { groupSchema as groupInputSchema, userSchema as userInputSchema } from '../../store/directory';
import type { WebDeps } from '../deps';
import { documented, route } from '../plugins/openapi';
import { groupSchema, noContent, userSchema } from './schemas';
import { audit, byId, tenantOf, tenantQuery } from './shared';

const userBody = documented(userInputSchema.partial({ id: true }));
const groupBody = documented(groupInputSchema.partial({ id: true }));

/** Saves a user (created or replaced) and records which it was. */
async function putUser(deps: WebDeps, req: FastifyRequest, input: unknown) {
  const tenantId = tenantOf(req);
  const id = (input as { id?: unknown } | undefined)?.id;
  const before = typeof id === 'string' ? await deps.stores.directory.getUser(tenantId, id) : undefined;
  const user = await deps.stores.directory.putUser(tenantId, input);
  const action = before ? 'user.update' : 'user.create';
  await audit(deps, req, { tenantId, action, entity: 'user', entityId: user.id, before, after: user });
  return user;
}

/** Saves a group (created or replaced). */
async function putGroup(deps: WebDeps, req: FastifyRequest, input: unknown) {
  const tenantId = tenantOf(req);
  const group = await deps.stores.directory.putGroup(tenantId, input);
  await audit(deps, req, { tenantId, action: 'group.put', entity: 'group', entityId: group.id, after: group });
  return group;
}

/** Registers the directory routes. */
export function registerDirectory(api: FastifyInstance, deps: WebDeps): void {
  readUsers(api, deps);
  writeUsers(api, deps);
  groups(api, deps);
  api.get(
    '/directory',
    {
      schema: route('directory', 'The whole directory: users and groups', {
        querystring: tenantQuery,
        response: {
          200: z.object({ users: z.array(userSchema), groups: z.array(groupSchema) }).describe('The directory'),
        },
      }),
    },
    async (req) => ({
      users: await deps.stores.directory.listUsers(tenantOf(req)),
      groups: await deps.stores.directory.listGroups(tenantOf(req)),
    }),
  );
}

function readUsers(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/directory/users',
    {
      schema: route('directory', 'List users', {
        querystring: tenantQuery,
        response: { 200: z.array(userSchema).describe('The users') },
      }),
    },
    async (req) => deps.stores.directory.listUsers(tenantOf(req)),
  );
  api.get<{ Params: { id: string } }>(
    '/directory/users/:id',
    {
      schema: route(
        'directory',
        'One user',
        { params: byId, querystring: tenantQuery, response: { 200: userSchema.describe('The user') } },
        [404],
      ),
    },
    async (req) => {
      const user = await deps.stores.directory.getUser(tenantOf(req), req.params.id);
      if (!user) throw new NotFoundError(`user ${req.params.id} not found`);
      return user;
    },
  );
}

function writeUsers(api: FastifyInstance, deps: WebDeps): void {
  api.put<{ Params: { id: string } }>(
    '/directory/users/:id',
    {
      schema: route('directory', "Create or replace a user (the id is the URL's)", {
        params: byId,
        querystring: tenantQuery,
        body: userBody,
        response: { 200: userSchema.describe('The user as saved') },
      }),
    },
    async (req) => putUser(deps, req, { ...(req.body as object), id: req.params.id }),
  );
  api.post(
    '/directory/users',
    {
      schema: route('directory', 'Create or replace a user', {
        querystring: tenantQuery,
        body: documented(userInputSchema),
        response: { 201: userSchema.describe('The user as saved') },
      }),
    },
    async (req, reply) => reply.code(201).send(await putUser(deps, req, req.body)),
  );
  api.delete<{ Params: { id: string } }>(
    '/directory/users/:id',
    {
      schema: route(
        'directory',
        'Delete a user',
        { params: byId, querystring: tenantQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      const before = await deps.stores.directory.getUser(tenantId, req.params.id);
      await deps.stores.directory.removeUser(tenantId, req.params.id);
      await audit(deps, req, { tenantId, action: 'user.delete', entity: 'user', entityId: req.params.id, before });
      return reply.code(204).send();
    },
  );
}

function groups(api: FastifyInstance, deps: WebDeps): void {
  api.get(
    '/directory/groups',
    {
      schema: route('directory', 'List groups', {
        querystring: tenantQuery,
        response: { 200: z.array(groupSchema).describe('The groups') },
      }),
    },
    async (req) => deps.stores.directory.listGroups(tenantOf(req)),
  );
  api.put<{ Params: { id: string } }>(
    '/directory/groups/:id',
    {
      schema: route('directory', "Create or replace a group (the id is the URL's)", {
        params: byId,
        querystring: tenantQuery,
        body: groupBody,
        response: { 200: groupSchema.describe('The group as saved') },
      }),
    },
    async (req) => putGroup(deps, req, { ...(req.body as object), id: req.params.id }),
  );
  api.post(
    '/directory/groups',
    {
      schema: route('directory', 'Create or replace a group', {
        querystring: tenantQuery,
        body: documented(groupInputSchema),
        response: { 201: groupSchema.describe('The group as saved') },
      }),
    },
    async (req, reply) => reply.code(201).send(await putGroup(deps, req, req.body)),
  );
  api.delete<{ Params: { id: string } }>(
    '/directory/groups/:id',
    {
      schema: route(
        'directory',
        'Delete a group',
        { params: byId, querystring: tenantQuery, response: { 204: noContent } },
        [404],
      ),
    },
    async (req, reply) => {
      const tenantId = tenantOf(req);
      await deps.stores.directory.removeGroup(tenantId, req.params.id);
      await audit(deps, req, { tenantId, action: 'group.delete', entity: 'group', entityId: req.params.id });
      return reply.code(204).send();
    },
  );
}
