/** Directory: users and groups of the tenant — list, create, edit, delete (with a confirmation page). */
import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError } from '../../errors';
import type { DirectoryGroup, DirectoryUser } from '../../store/directory';
import { auditChange, ctx, redirect, sendHtml, type AdminCtx, type AdminEnv } from './context';
import {
  checkboxField,
  errorSummary,
  formValues,
  mapIssues,
  selectField,
  splitList,
  textareaField,
  textField,
  val,
  checked,
  type FieldErrors,
  type FormValues,
} from './form';
import { html, type SafeHtml } from './html';
import { badge, csrfField, emptyState, page, table } from './layout';

const USER_LABELS: Record<string, string> = {
  id: 'User id',
  email: 'Email',
  name: 'Name',
  locale: 'Language',
  timeZone: 'Time zone',
  managerId: 'Manager',
  substituteId: 'Substitute',
  outOfOffice: 'Out of office',
  roles: 'Roles',
};
const GROUP_LABELS: Record<string, string> = { id: 'Group id', name: 'Name', members: 'Members' };

const enc = encodeURIComponent;

type SaveResult = { ok: true; id: string } | { ok: false; errors: FieldErrors; values: FormValues };

/** Deleting something already gone is fine (a second click, another administrator). */
const ignoreNotFound = (e: unknown): void => {
  if (!(e instanceof NotFoundError)) throw e;
};

function userInput(v: FormValues, id: string): Record<string, unknown> {
  const opt = (n: string) => val(v, n) || undefined;
  return {
    id,
    email: val(v, 'email'),
    name: opt('name'),
    locale: opt('locale'),
    timeZone: opt('timeZone'),
    managerId: opt('managerId'),
    substituteId: opt('substituteId'),
    outOfOffice: checked(v, 'outOfOffice'),
    roles: splitList(val(v, 'roles')),
  };
}

const userValues = (u: DirectoryUser): FormValues => ({
  id: u.id,
  email: u.email,
  name: u.name ?? '',
  locale: u.locale ?? '',
  timeZone: u.timeZone ?? '',
  managerId: u.managerId ?? '',
  substituteId: u.substituteId ?? '',
  outOfOffice: u.outOfOffice ? 'on' : undefined,
  roles: u.roles.join(', '),
});

const groupValues = (g: DirectoryGroup): FormValues => ({
  id: g.id,
  name: g.name ?? '',
  members: g.members.join('\n'),
});

const issuesOf = (e: ValidationError, labels: Record<string, string>): FieldErrors =>
  mapIssues(
    e.issues.map((i) => ({ path: i.path ? i.path.split('.') : [], message: i.message })),
    Object.keys(labels),
  );

let zones: string[] | undefined;
const timeZones = (): string[] =>
  (zones ??= (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? []);

/** Registers the directory pages on the (signed-in) admin scope. */
export function registerDirectory(app: FastifyInstance, env: AdminEnv): void {
  const { stores } = env.deps;

  async function userForm(
    c: AdminCtx,
    o: { existing?: DirectoryUser; values: FormValues; errors: FieldErrors },
  ): Promise<SafeHtml> {
    const users = await stores.directory.listUsers(c.tenant);
    const others = users
      .filter((u) => u.id !== o.existing?.id)
      .map((u) => ({ value: u.id, label: `${u.name ? `${u.name} – ` : ''}${u.id}` }));
    // Keep a manager/substitute id that is not (or no longer) in the directory selectable, so saving does not drop it.
    for (const n of ['managerId', 'substituteId']) {
      const cur = val(o.values, n);
      if (cur && !others.some((x) => x.value === cur))
        others.push({ value: cur, label: `${cur} (not in the directory)` });
    }
    const common = { values: o.values, errors: o.errors };
    const action = o.existing ? `/admin/directory/users/${enc(o.existing.id)}` : '/admin/directory/users';
    return page(c, {
      title: o.existing ? `Edit user “${o.existing.id}”` : 'New user',
      section: 'directory',
      crumbs: [{ href: '/admin/directory', label: 'Directory' }],
      body: html`<form method="post" action="${action}" class="card" novalidate>
${csrfField(c)}
${errorSummary(o.errors, USER_LABELS)}
<div class="grid grid-2">
  ${textField({ ...common, name: 'id', label: 'User id', required: true, readonly: !!o.existing, hint: o.existing ? 'The id cannot change.' : 'As the pipeline names the user in assignments, e.g. mlopez', spellcheck: false, autofocus: !o.existing })}
  ${textField({ ...common, name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off', spellcheck: false, autofocus: !!o.existing })}
  ${textField({ ...common, name: 'name', label: 'Name' })}
  ${selectField({
    ...common,
    name: 'locale',
    label: 'Language',
    hint: 'Emails are sent in this language',
    options: [
      { value: '', label: 'Tenant default' },
      { value: 'en', label: 'English' },
      { value: 'es', label: 'Spanish' },
      { value: 'de', label: 'German' },
    ],
  })}
  ${textField({ ...common, name: 'timeZone', label: 'Time zone', list: 'time-zones', hint: 'IANA name, e.g. Europe/Madrid; working hours are read in it', spellcheck: false })}
  ${textField({ ...common, name: 'roles', label: 'Roles', hint: 'Comma-separated, e.g. approver, ap-clerk', spellcheck: false })}
  ${selectField({ ...common, name: 'managerId', label: 'Manager', hint: 'Receives escalations “to the manager”', options: [{ value: '', label: '— none —' }, ...others] })}
  ${selectField({ ...common, name: 'substituteId', label: 'Substitute', hint: 'Receives the emails while this user is out of office', options: [{ value: '', label: '— none —' }, ...others] })}
</div>
${checkboxField({ ...common, name: 'outOfOffice', label: 'Out of office' })}
<datalist id="time-zones">${timeZones().map((z) => html`<option value="${z}">`)}</datalist>
<div class="form-actions"><button class="btn btn-primary" type="submit">${o.existing ? 'Save user' : 'Create user'}</button><a class="btn btn-secondary" href="/admin/directory">Cancel</a></div>
</form>`,
    });
  }

  function groupForm(c: AdminCtx, o: { existing?: DirectoryGroup; values: FormValues; errors: FieldErrors }): SafeHtml {
    const common = { values: o.values, errors: o.errors };
    const action = o.existing ? `/admin/directory/groups/${enc(o.existing.id)}` : '/admin/directory/groups';
    return page(c, {
      title: o.existing ? `Edit group “${o.existing.id}”` : 'New group',
      section: 'directory',
      crumbs: [{ href: '/admin/directory', label: 'Directory' }],
      body: html`<form method="post" action="${action}" class="card" novalidate>
${csrfField(c)}
${errorSummary(o.errors, GROUP_LABELS)}
<div class="grid grid-2">
  ${textField({ ...common, name: 'id', label: 'Group id', required: true, readonly: !!o.existing, hint: o.existing ? 'The id cannot change.' : 'As the pipeline names the group in assignments, e.g. ap-clerks', spellcheck: false, autofocus: !o.existing })}
  ${textField({ ...common, name: 'name', label: 'Name', autofocus: !!o.existing })}
</div>
${textareaField({ ...common, name: 'members', label: 'Members', hint: 'User ids (or nested group ids), one per line or comma-separated', rows: 4, spellcheck: false })}
<div class="form-actions"><button class="btn btn-primary" type="submit">${o.existing ? 'Save group' : 'Create group'}</button><a class="btn btn-secondary" href="/admin/directory">Cancel</a></div>
</form>`,
    });
  }

  function confirmPage(c: AdminCtx, what: 'user' | 'group', id: string): SafeHtml {
    return page(c, {
      title: `Delete ${what} “${id}”?`,
      section: 'directory',
      crumbs: [{ href: '/admin/directory', label: 'Directory' }],
      body: html`<div class="card confirm">
<p>The ${what} <strong>${id}</strong> will be removed from the directory of tenant ${c.tenant}. Documents assigned to it will have nobody to email until they are reassigned.</p>
<form method="post" action="/admin/directory/${what}s/${enc(id)}/delete" class="form-actions">${csrfField(c)}<button class="btn btn-danger" type="submit" autofocus>Delete ${what}</button><a class="btn btn-secondary" href="/admin/directory">Cancel</a></form>
</div>`,
    });
  }

  app.get('/directory', async (req, reply) => {
    const c = ctx(req);
    const [users, groups] = await Promise.all([
      stores.directory.listUsers(c.tenant),
      stores.directory.listGroups(c.tenant),
    ]);
    const userRows = users.map(
      (u) => html`<tr>
<th scope="row"><a class="nowrap" href="/admin/directory/users/${enc(u.id)}">${u.id}</a></th>
<td>${u.name ?? ''}<br><span class="muted small">${u.email}</span></td>
<td>${u.locale ?? html`<span class="muted">default</span>`}<br><span class="muted small">${u.timeZone ?? 'tenant time zone'}</span></td>
<td>${u.managerId ?? html`<span class="muted">—</span>`}<br><span class="muted small">${u.substituteId ? `substitute ${u.substituteId}` : 'no substitute'}</span></td>
<td>${u.outOfOffice ? badge('Out of office', 'warn') : html`<span class="muted">In</span>`}</td>
<td>${u.roles.map((r) => html`${badge(r)} `)}</td>
<td class="row-actions"><a class="btn btn-small btn-secondary" href="/admin/directory/users/${enc(u.id)}" aria-label="Edit user ${u.id}">Edit</a><a class="btn btn-small btn-ghost-danger" href="/admin/directory/users/${enc(u.id)}/delete" aria-label="Delete user ${u.id}">Delete</a></td>
</tr>`,
    );
    const groupRows = groups.map(
      (g) => html`<tr>
<th scope="row"><a class="nowrap" href="/admin/directory/groups/${enc(g.id)}">${g.id}</a></th><td>${g.name ?? ''}</td><td>${g.members.join(', ')}</td>
<td class="row-actions"><a class="btn btn-small btn-secondary" href="/admin/directory/groups/${enc(g.id)}" aria-label="Edit group ${g.id}">Edit</a><a class="btn btn-small btn-ghost-danger" href="/admin/directory/groups/${enc(g.id)}/delete" aria-label="Delete group ${g.id}">Delete</a></td>
</tr>`,
    );
    return sendHtml(
      reply,
      page(c, {
        title: 'Directory',
        section: 'directory',
        actions: html`<a class="btn btn-primary" href="/admin/directory/users/new">New user</a><a class="btn btn-secondary" href="/admin/directory/groups/new">New group</a><a class="btn btn-secondary" href="/admin/suppressions">Suppressions</a>`,
        body: html`<p class="lead">The people and groups documents are assigned to: their address, language, time zone, manager (escalations) and substitute (out of office).</p>
<section aria-labelledby="h-users"><h2 id="h-users">Users <span class="count">${users.length}</span></h2>
${users.length ? table('Users', ['Id', 'Name / email', 'Language / time zone', 'Manager / substitute', 'Out of office', 'Roles', 'Actions'], userRows, { captionHidden: true }) : emptyState('No users yet', html`<a href="/admin/directory/users/new">Add a user</a>. Documents can also be assigned to plain email addresses.`)}
</section>
<section aria-labelledby="h-groups"><h2 id="h-groups">Groups <span class="count">${groups.length}</span></h2>
${groups.length ? table('Groups', ['Id', 'Name', 'Members', 'Actions'], groupRows, { captionHidden: true }) : emptyState('No groups yet', html`<a href="/admin/directory/groups/new">Add a group</a>.`)}
</section>`,
      }),
    );
  });

  // --- users ---
  app.get('/directory/users/new', async (req, reply) =>
    sendHtml(reply, await userForm(ctx(req), { values: {}, errors: {} })),
  );
  app.get<{ Params: { id: string } }>('/directory/users/:id', async (req, reply) => {
    const c = ctx(req);
    const u = await stores.directory.getUser(c.tenant, req.params.id);
    if (!u)
      return redirect(reply, env, '/admin/directory', { kind: 'error', text: `User “${req.params.id}” not found.` });
    return sendHtml(reply, await userForm(c, { existing: u, values: userValues(u), errors: {} }));
  });
  const saveUser = async (c: AdminCtx, body: unknown, existing: DirectoryUser | undefined): Promise<SaveResult> => {
    const values = formValues(body);
    const id = existing?.id ?? val(values, 'id');
    if (!existing && id && (await stores.directory.getUser(c.tenant, id)))
      return { ok: false, errors: { id: [`a user “${id}” already exists`] }, values };
    try {
      const saved = await stores.directory.putUser(c.tenant, userInput(values, id));
      await auditChange(c, env, {
        action: existing ? 'user.update' : 'user.create',
        entity: 'user',
        entityId: saved.id,
        before: existing,
        after: saved,
      });
      return { ok: true, id };
    } catch (e) {
      if (e instanceof ValidationError) return { ok: false, errors: issuesOf(e, USER_LABELS), values };
      throw e;
    }
  };
  app.post('/directory/users', async (req, reply) => {
    const c = ctx(req);
    const r = await saveUser(c, req.body, undefined);
    if (!r.ok) return sendHtml(reply, await userForm(c, { values: r.values, errors: r.errors }), 400);
    return redirect(reply, env, '/admin/directory', { kind: 'ok', text: `User “${r.id}” created.` });
  });
  app.post<{ Params: { id: string } }>('/directory/users/:id', async (req, reply) => {
    const c = ctx(req);
    const existing = await stores.directory.getUser(c.tenant, req.params.id);
    if (!existing)
      return redirect(reply, env, '/admin/directory', { kind: 'error', text: `User “${req.params.id}” not found.` });
    const r = await saveUser(c, req.body, existing);
    if (!r.ok)
      return sendHtml(
        reply,
        await userForm(c, { existing, values: { ...r.values, id: existing.id }, errors: r.errors }),
        400,
      );
    return redirect(reply, env, '/admin/directory', { kind: 'ok', text: `User “${r.id}” saved.` });
  });
  app.get<{ Params: { id: string } }>('/directory/users/:id/delete', async (req, reply) =>
    sendHtml(reply, confirmPage(ctx(req), 'user', req.params.id)),
  );
  app.post<{ Params: { id: string } }>('/directory/users/:id/delete', async (req, reply) => {
    const c = ctx(req);
    const before = await stores.directory.getUser(c.tenant, req.params.id);
    await stores.directory.removeUser(c.tenant, req.params.id).catch(ignoreNotFound);
    if (before) await auditChange(c, env, { action: 'user.delete', entity: 'user', entityId: req.params.id, before });
    return redirect(reply, env, '/admin/directory', { kind: 'ok', text: `User “${req.params.id}” deleted.` });
  });

  // --- groups ---
  app.get('/directory/groups/new', async (req, reply) =>
    sendHtml(reply, groupForm(ctx(req), { values: {}, errors: {} })),
  );
  app.get<{ Params: { id: string } }>('/directory/groups/:id', async (req, reply) => {
    const c = ctx(req);
    const g = (await stores.directory.listGroups(c.tenant)).find((x) => x.id === req.params.id);
    if (!g)
      return redirect(reply, env, '/admin/directory', { kind: 'error', text: `Group “${req.params.id}” not found.` });
    return sendHtml(reply, groupForm(c, { existing: g, values: groupValues(g), errors: {} }));
  });
  const saveGroup = async (c: AdminCtx, body: unknown, existing: DirectoryGroup | undefined): Promise<SaveResult> => {
    const values = formValues(body);
    const id = existing?.id ?? val(values, 'id');
    if (!existing && id && (await stores.directory.listGroups(c.tenant)).some((g) => g.id === id))
      return { ok: false, errors: { id: [`a group “${id}” already exists`] }, values };
    try {
      const saved = await stores.directory.putGroup(c.tenant, {
        id,
        name: val(values, 'name') || undefined,
        members: splitList(val(values, 'members')),
      });
      await auditChange(c, env, { action: 'group.put', entity: 'group', entityId: saved.id, after: saved });
      return { ok: true, id };
    } catch (e) {
      if (e instanceof ValidationError) return { ok: false, errors: issuesOf(e, GROUP_LABELS), values };
      throw e;
    }
  };
  app.post('/directory/groups', async (req, reply) => {
    const c = ctx(req);
    const r = await saveGroup(c, req.body, undefined);
    if (!r.ok) return sendHtml(reply, groupForm(c, { values: r.values, errors: r.errors }), 400);
    return redirect(reply, env, '/admin/directory', { kind: 'ok', text: `Group “${r.id}” created.` });
  });
  app.post<{ Params: { id: string } }>('/directory/groups/:id', async (req, reply) => {
    const c = ctx(req);
    const existing = (await stores.directory.listGroups(c.tenant)).find((x) => x.id === req.params.id);
    if (!existing)
      return redirect(reply, env, '/admin/directory', { kind: 'error', text: `Group “${req.params.id}” not found.` });
    const r = await saveGroup(c, req.body, existing);
    if (!r.ok)
      return sendHtml(
        reply,
        groupForm(c, { existing, values: { ...r.values, id: existing.id }, errors: r.errors }),
        400,
      );
    return redirect(reply, env, '/admin/directory', { kind: 'ok', text: `Group “${r.id}” saved.` });
  });
  app.get<{ Params: { id: string } }>('/directory/groups/:id/delete', async (req, reply) =>
    sendHtml(reply, confirmPage(ctx(req), 'group', req.params.id)),
  );
  app.post<{ Params: { id: string } }>('/directory/groups/:id/delete', async (req, reply) => {
    const c = ctx(req);
    await stores.directory.removeGroup(c.tenant, req.params.id).catch(ignoreNotFound);
    await auditChange(c, env, { action: 'group.delete', entity: 'group', entityId: req.params.id });
    return redirect(reply, env, '/admin/directory', { kind: 'ok', text: `Group “${req.params.id}” deleted.` });
  });
}
