/**
 * The directory's forms: a user's and a group's values and the store's input made of them, and saving one (every
 * change audited; a refused save as errors beside the fields).
 */
import { NotFoundError, ValidationError } from '../../errors';
import type { DirectoryGroup, DirectoryUser } from '../../store/directory';
import { auditChange, type AdminCtx, type AdminEnv } from './context';
import { checked, formValues, mapIssues, splitList, val, type FieldErrors, type FormValues } from './form';

/** Labels of the user form's fields (its error summary). */
export const USER_LABELS: Record<string, string> = {
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
/** Labels of the group form's fields. */
export const GROUP_LABELS: Record<string, string> = { id: 'Group id', name: 'Name', members: 'Members' };

/** A saved user or group, or the form to show again. */
export type SaveResult = { ok: true; id: string } | { ok: false; errors: FieldErrors; values: FormValues };

/** Deleting something already gone is fine (a second click, another administrator). */
export const ignoreNotFound = (err: unknown): void => {
  if (!(err instanceof NotFoundError)) throw err;
};

/** The store's input of the user form. */
function userInput(values: FormValues, id: string): Record<string, unknown> {
  const optional = (name: string) => val(values, name) || undefined;
  return {
    id,
    email: val(values, 'email'),
    name: optional('name'),
    locale: optional('locale'),
    timeZone: optional('timeZone'),
    managerId: optional('managerId'),
    substituteId: optional('substituteId'),
    outOfOffice: checked(values, 'outOfOffice'),
    roles: splitList(val(values, 'roles')),
  };
}

/** The user form's values of a stored user. */
export const userValues = (user: DirectoryUser): FormValues => ({
  id: user.id,
  email: user.email,
  name: user.name ?? '',
  locale: user.locale ?? '',
  timeZone: user.timeZone ?? '',
  managerId: user.managerId ?? '',
  substituteId: user.substituteId ?? '',
  outOfOffice: user.outOfOffice ? 'on' : undefined,
  roles: user.roles.join(', '),
});

/** The group form's values of a stored group. */
export const groupValues = (group: DirectoryGroup): FormValues => ({
  id: group.id,
  name: group.name ?? '',
  members: group.members.join('\n'),
});

/** The store's issues on the form's fields. */
const issuesOf = (err: ValidationError, labels: Record<string, string>): FieldErrors =>
  mapIssues(
    err.issues.map((issue) => ({ path: issue.path ? issue.path.split('.') : [], message: issue.message })),
    Object.keys(labels),
  );

/** A group of the tenant by id. */
export async function findGroup(env: AdminEnv, tenant: string, id: string): Promise<DirectoryGroup | undefined> {
  return (await env.deps.stores.directory.listGroups(tenant)).find((group) => group.id === id);
}

/** Creates (`existing` undefined) or updates a user from the posted form. */
export async function saveUser(
  c: AdminCtx,
  env: AdminEnv,
  body: unknown,
  existing: DirectoryUser | undefined,
): Promise<SaveResult> {
  const { directory } = env.deps.stores;
  const values = formValues(body);
  const id = existing?.id ?? val(values, 'id');
  if (!existing && id && (await directory.getUser(c.tenant, id)))
    return { ok: false, errors: { id: [`a user “${id}” already exists`] }, values };
  try {
    const saved = await directory.putUser(c.tenant, userInput(values, id));
    await auditChange(c, env, {
      action: existing ? 'user.update' : 'user.create',
      entity: 'user',
      entityId: saved.id,
      before: existing,
      after: saved,
    });
    return { ok: true, id };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, errors: issuesOf(err, USER_LABELS), values };
    throw err;
  }
}

/** Creates (`existing` undefined) or updates a group from the posted form. */
export async function saveGroup(
  c: AdminCtx,
  env: AdminEnv,
  body: unknown,
  existing: DirectoryGroup | undefined,
): Promise<SaveResult> {
  const values = formValues(body);
  const id = existing?.id ?? val(values, 'id');
  if (!existing && id && (await findGroup(env, c.tenant, id)))
    return { ok: false, errors: { id: [`a group “${id}” already exists`] }, values };
  try {
    const saved = await env.deps.stores.directory.putGroup(c.tenant, {
      id,
      name: val(values, 'name') || undefined,
      members: splitList(val(values, 'members')),
    });
    await auditChange(c, env, { action: 'group.put', entity: 'group', entityId: saved.id, after: saved });
    return { ok: true, id };
  } catch (err) {
    if (err instanceof ValidationError) return { ok: false, errors: issuesOf(err, GROUP_LABELS), values };
    throw err;
  }
}

/**
 * The users a user's manager or substitute can be (everybody else), and a manager/substitute id that is not (or no
 * longer) in the directory too, so saving does not drop it.
 */
export function colleagueOptions(
  users: DirectoryUser[],
  existing: DirectoryUser | undefined,
  values: FormValues,
): { value: string; label: string }[] {
  const others = users
    .filter((user) => user.id !== existing?.id)
    .map((user) => ({ value: user.id, label: `${user.name ? `${user.name} – ` : ''}${user.id}` }));
  for (const name of ['managerId', 'substituteId']) {
    const current = val(values, name);
    if (current && !others.some((option) => option.value === current))
      others.push({ value: current, label: `${current} (not in the directory)` });
  }
  return others;
}
