/** @jsxRuntime automatic @jsxImportSource preact */
/** The directory page (the tenant's users and groups) and the confirmation of a deletion. */
import type { ComponentChildren } from 'preact';
import type { DirectoryGroup, DirectoryUser } from '../../../store/directory';
import type { AdminCtx } from '../context';
import { AdminPage, Badge, CsrfField, EmptyState, renderAdmin, Table } from './layout';

const enc = encodeURIComponent;
const USER_COLUMNS = [
  'Id',
  'Name / email',
  'Language / time zone',
  'Manager / substitute',
  'Out of office',
  'Roles',
  'Actions',
];
const GROUP_COLUMNS = ['Id', 'Name', 'Members', 'Actions'];

export interface DirectoryPageProps {
  ctx: AdminCtx;
  users: DirectoryUser[];
  groups: DirectoryGroup[];
}

/** Edit and Delete of a user or group. */
function RowActions({ what, id }: { what: 'user' | 'group'; id: string }) {
  const href = `/admin/directory/${what}s/${enc(id)}`;
  return (
    <td class="row-actions">
      <a class="btn btn-small btn-secondary" href={href} aria-label={`Edit ${what} ${id}`}>
        Edit
      </a>
      <a class="btn btn-small btn-ghost-danger" href={`${href}/delete`} aria-label={`Delete ${what} ${id}`}>
        Delete
      </a>
    </td>
  );
}

/** A value with a smaller line under it. */
function TwoLines({ main, sub }: { main: ComponentChildren; sub: string }) {
  return (
    <td>
      {main}
      <br />
      <span class="muted small">{sub}</span>
    </td>
  );
}

function UserRow({ user }: { user: DirectoryUser }) {
  return (
    <tr>
      <th scope="row">
        <a class="nowrap" href={`/admin/directory/users/${enc(user.id)}`}>
          {user.id}
        </a>
      </th>
      <TwoLines main={user.name ?? ''} sub={user.email} />
      <TwoLines main={user.locale ?? <span class="muted">default</span>} sub={user.timeZone ?? 'tenant time zone'} />
      <TwoLines
        main={user.managerId ?? <span class="muted">—</span>}
        sub={user.substituteId ? `substitute ${user.substituteId}` : 'no substitute'}
      />
      <td>{user.outOfOffice ? <Badge text="Out of office" tone="warn" /> : <span class="muted">In</span>}</td>
      <td>
        {user.roles.map((role) => (
          <>
            <Badge text={role} />{' '}
          </>
        ))}
      </td>
      <RowActions what="user" id={user.id} />
    </tr>
  );
}

function GroupRow({ group }: { group: DirectoryGroup }) {
  return (
    <tr>
      <th scope="row">
        <a class="nowrap" href={`/admin/directory/groups/${enc(group.id)}`}>
          {group.id}
        </a>
      </th>
      <td>{group.name ?? ''}</td>
      <td>{group.members.join(', ')}</td>
      <RowActions what="group" id={group.id} />
    </tr>
  );
}

function Users({ users }: { users: DirectoryUser[] }) {
  return (
    <section aria-labelledby="h-users">
      <h2 id="h-users">
        Users <span class="count">{users.length}</span>
      </h2>
      {users.length ? (
        <Table caption="Users" head={USER_COLUMNS} captionHidden>
          {users.map((user) => (
            <UserRow user={user} />
          ))}
        </Table>
      ) : (
        <EmptyState
          title="No users yet"
          hint={
            <>
              <a href="/admin/directory/users/new">Add a user</a>. Documents can also be assigned to plain email
              addresses.
            </>
          }
        />
      )}
    </section>
  );
}

function Groups({ groups }: { groups: DirectoryGroup[] }) {
  return (
    <section aria-labelledby="h-groups">
      <h2 id="h-groups">
        Groups <span class="count">{groups.length}</span>
      </h2>
      {groups.length ? (
        <Table caption="Groups" head={GROUP_COLUMNS} captionHidden>
          {groups.map((group) => (
            <GroupRow group={group} />
          ))}
        </Table>
      ) : (
        <EmptyState
          title="No groups yet"
          hint={
            <>
              <a href="/admin/directory/groups/new">Add a group</a>.
            </>
          }
        />
      )}
    </section>
  );
}

/** `/admin/directory`: the tenant's users and groups. */
export function DirectoryPage({ ctx, users, groups }: DirectoryPageProps) {
  const actions = (
    <>
      <a class="btn btn-primary" href="/admin/directory/users/new">
        New user
      </a>
      <a class="btn btn-secondary" href="/admin/directory/groups/new">
        New group
      </a>
      <a class="btn btn-secondary" href="/admin/suppressions">
        Suppressions
      </a>
    </>
  );
  return (
    <AdminPage ctx={ctx} title="Directory" section="directory" actions={actions}>
      <p class="lead">
        The people and groups documents are assigned to: their address, language, time zone, manager (escalations) and
        substitute (out of office).
      </p>
      <Users users={users} />
      <Groups groups={groups} />
    </AdminPage>
  );
}

/** Asks before deleting a user or group. */
export function DeletePage({ ctx, what, id }: { ctx: AdminCtx; what: 'user' | 'group'; id: string }) {
  return (
    <AdminPage
      ctx={ctx}
      title={`Delete ${what} “${id}”?`}
      section="directory"
      crumbs={[{ href: '/admin/directory', label: 'Directory' }]}
    >
      <div class="card confirm">
        <p>
          The {what} <strong>{id}</strong> will be removed from the directory of tenant {ctx.tenant}. Documents assigned
          to it will have nobody to email until they are reassigned.
        </p>
        <form method="post" action={`/admin/directory/${what}s/${enc(id)}/delete`} class="form-actions">
          <CsrfField ctx={ctx} />
          <button class="btn btn-danger" type="submit" autofocus>
            {`Delete ${what}`}
          </button>
          <a class="btn btn-secondary" href="/admin/directory">
            Cancel
          </a>
        </form>
      </div>
    </AdminPage>
  );
}

/** The directory page as the answer's body. */
export const renderDirectoryPage = (props: DirectoryPageProps): string => renderAdmin(<DirectoryPage {...props} />);

/** The delete confirmation as the answer's body. */
export const renderDeletePage = (ctx: AdminCtx, what: 'user' | 'group', id: string): string =>
  renderAdmin(<DeletePage ctx={ctx} what={what} id={id} />);
