/** Directory: users and groups of the tenant — list, create, edit, delete (with a confirmation page). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DirectoryUser } from '../../store/directory';
import { auditChange, ctx, redirect, sendHtml, type AdminCtx, type AdminEnv } from './context';
import {
  colleagueOptions,
  findGroup,
  groupValues,
  ignoreNotFound,
  saveGroup,
  saveUser,
  userValues,
} from './directory-form';
import type { FieldErrors, FormValues } from './form';
import { renderDeletePage, renderDirectoryPage } from './views/directory';
import { renderGroupForm, renderUserForm } from './views/directory-forms';

const DIRECTORY = '/admin/directory';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** The user form (a new user when `existing` is undefined), with who can be manager or substitute. */
async function userForm(
  env: AdminEnv,
  c: AdminCtx,
  form: { existing?: DirectoryUser; values: FormValues; errors: FieldErrors },
): Promise<string> {
  const users = await env.deps.stores.directory.listUsers(c.tenant);
  return renderUserForm({ ctx: c, ...form, colleagues: colleagueOptions(users, form.existing, form.values) });
}

/** Back to the directory: "User “x” not found." */
const notFound = (reply: FastifyReply, env: AdminEnv, what: 'User' | 'Group', id: string) =>
  redirect(reply, env, DIRECTORY, { kind: 'error', text: `${what} “${id}” not found.` });

/** `POST /admin/directory/users/:id`: saves a user; a refused save shows the form again. */
async function updateUser(req: IdRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const existing = await env.deps.stores.directory.getUser(c.tenant, req.params.id);
  if (!existing) return notFound(reply, env, 'User', req.params.id);
  const result = await saveUser(c, env, req.body, existing);
  if (!result.ok) {
    const values = { ...result.values, id: existing.id };
    return sendHtml(reply, await userForm(env, c, { existing, values, errors: result.errors }), 400);
  }
  return redirect(reply, env, DIRECTORY, { kind: 'ok', text: `User “${result.id}” saved.` });
}

/** `POST /admin/directory/groups/:id`: saves a group; a refused save shows the form again. */
async function updateGroup(req: IdRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const existing = await findGroup(env, c.tenant, req.params.id);
  if (!existing) return notFound(reply, env, 'Group', req.params.id);
  const result = await saveGroup(c, env, req.body, existing);
  if (!result.ok) {
    const values = { ...result.values, id: existing.id };
    return sendHtml(reply, renderGroupForm({ ctx: c, existing, values, errors: result.errors }), 400);
  }
  return redirect(reply, env, DIRECTORY, { kind: 'ok', text: `Group “${result.id}” saved.` });
}

function registerUsers(app: FastifyInstance, env: AdminEnv): void {
  const { directory } = env.deps.stores;
  app.get('/directory/users/new', async (req, reply) =>
    sendHtml(reply, await userForm(env, ctx(req), { values: {}, errors: {} })),
  );
  app.get<{ Params: { id: string } }>('/directory/users/:id', async (req, reply) => {
    const c = ctx(req);
    const user = await directory.getUser(c.tenant, req.params.id);
    if (!user) return notFound(reply, env, 'User', req.params.id);
    return sendHtml(reply, await userForm(env, c, { existing: user, values: userValues(user), errors: {} }));
  });
  app.post('/directory/users', async (req, reply) => {
    const c = ctx(req);
    const result = await saveUser(c, env, req.body, undefined);
    if (!result.ok)
      return sendHtml(reply, await userForm(env, c, { values: result.values, errors: result.errors }), 400);
    return redirect(reply, env, DIRECTORY, { kind: 'ok', text: `User “${result.id}” created.` });
  });
  app.post<{ Params: { id: string } }>('/directory/users/:id', async (req, reply) => updateUser(req, reply, env));
  app.get<{ Params: { id: string } }>('/directory/users/:id/delete', async (req, reply) =>
    sendHtml(reply, renderDeletePage(ctx(req), 'user', req.params.id)),
  );
  app.post<{ Params: { id: string } }>('/directory/users/:id/delete', async (req, reply) => {
    const c = ctx(req);
    const { id } = req.params;
    const before = await directory.getUser(c.tenant, id);
    await directory.removeUser(c.tenant, id).catch(ignoreNotFound);
    if (before) await auditChange(c, env, { action: 'user.delete', entity: 'user', entityId: id, before });
    return redirect(reply, env, DIRECTORY, { kind: 'ok', text: `User “${id}” deleted.` });
  });
}

function registerGroups(app: FastifyInstance, env: AdminEnv): void {
  app.get('/directory/groups/new', async (req, reply) =>
    sendHtml(reply, renderGroupForm({ ctx: ctx(req), values: {}, errors: {} })),
  );
  app.get<{ Params: { id: string } }>('/directory/groups/:id', async (req, reply) => {
    const c = ctx(req);
    const group = await findGroup(env, c.tenant, req.params.id);
    if (!group) return notFound(reply, env, 'Group', req.params.id);
    return sendHtml(reply, renderGroupForm({ ctx: c, existing: group, values: groupValues(group), errors: {} }));
  });
  app.post('/directory/groups', async (req, reply) => {
    const c = ctx(req);
    const result = await saveGroup(c, env, req.body, undefined);
    if (!result.ok)
      return sendHtml(reply, renderGroupForm({ ctx: c, values: result.values, errors: result.errors }), 400);
    return redirect(reply, env, DIRECTORY, { kind: 'ok', text: `Group “${result.id}” created.` });
  });
  app.post<{ Params: { id: string } }>('/directory/groups/:id', async (req, reply) => updateGroup(req, reply, env));
  app.get<{ Params: { id: string } }>('/directory/groups/:id/delete', async (req, reply) =>
    sendHtml(reply, renderDeletePage(ctx(req), 'group', req.params.id)),
  );
  app.post<{ Params: { id: string } }>('/directory/groups/:id/delete', async (req, reply) => {
    const c = ctx(req);
    const { id } = req.params;
    await env.deps.stores.directory.removeGroup(c.tenant, id).catch(ignoreNotFound);
    await auditChange(c, env, { action: 'group.delete', entity: 'group', entityId: id });
    return redirect(reply, env, DIRECTORY, { kind: 'ok', text: `Group “${id}” deleted.` });
  });
}

/** Registers the directory pages on the (signed-in) admin scope. */
export function registerDirectory(app: FastifyInstance, env: AdminEnv): void {
  app.get('/directory', async (req, reply) => {
    const c = ctx(req);
    const { directory } = env.deps.stores;
    const [users, groups] = await Promise.all([directory.listUsers(c.tenant), directory.listGroups(c.tenant)]);
    return sendHtml(reply, renderDirectoryPage({ ctx: c, users, groups }));
  });
  registerUsers(app, env);
  registerGroups(app, env);
}
