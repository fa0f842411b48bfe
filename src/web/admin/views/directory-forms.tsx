/** @jsxRuntime automatic @jsxImportSource preact */
/** The directory's forms: a user (address, language, time zone, manager, substitute, roles) and a group. */
import type { DirectoryGroup, DirectoryUser } from '../../../store/directory';
import type { AdminCtx } from '../context';
import { GROUP_LABELS, USER_LABELS } from '../directory-form';
import type { FieldErrors, FormValues } from '../form';
import { CheckboxField, ErrorSummary, SelectField, TextareaField, TextField, type Option } from './fields';
import { AdminPage, CsrfField, renderAdmin } from './layout';

const DIRECTORY_CRUMB = { href: '/admin/directory', label: 'Directory' };
const LANGUAGES: Option[] = [
  { value: '', label: 'Tenant default' },
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Spanish' },
  { value: 'de', label: 'German' },
];
const NONE: Option = { value: '', label: '— none —' };

let zones: string[] | undefined;
/** The IANA time zones this runtime knows (suggestions). */
const timeZones = (): string[] =>
  (zones ??= (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? []);

/** The form's values and errors. */
interface FormState {
  values: FormValues;
  errors: FieldErrors;
}

export interface UserFormProps extends FormState {
  ctx: AdminCtx;
  /** The user edited; none for a new one. */
  existing?: DirectoryUser;
  /** Who can be the manager or substitute. */
  colleagues: Option[];
}

export interface GroupFormProps extends FormState {
  ctx: AdminCtx;
  /** The group edited; none for a new one. */
  existing?: DirectoryGroup;
}

function FormActions({ label }: { label: string }) {
  return (
    <div class="form-actions">
      <button class="btn btn-primary" type="submit">
        {label}
      </button>
      <a class="btn btn-secondary" href="/admin/directory">
        Cancel
      </a>
    </div>
  );
}

function UserFields({ existing, colleagues, values, errors }: Omit<UserFormProps, 'ctx'>) {
  const common = { values, errors };
  const idHint = existing ? 'The id cannot change.' : 'As the pipeline names the user in assignments, e.g. mlopez';
  return (
    <div class="grid grid-2">
      <TextField
        {...common}
        name="id"
        label="User id"
        required
        readonly={!!existing}
        hint={idHint}
        spellcheck={false}
        autofocus={!existing}
      />
      <TextField
        {...common}
        name="email"
        label="Email"
        type="email"
        required
        autocomplete="off"
        spellcheck={false}
        autofocus={!!existing}
      />
      <TextField {...common} name="name" label="Name" />
      <SelectField
        {...common}
        name="locale"
        label="Language"
        hint="Emails are sent in this language"
        options={LANGUAGES}
      />
      <TextField
        {...common}
        name="timeZone"
        label="Time zone"
        list="time-zones"
        hint="IANA name, e.g. Europe/Madrid; working hours are read in it"
        spellcheck={false}
      />
      <TextField
        {...common}
        name="roles"
        label="Roles"
        hint="Comma-separated, e.g. approver, ap-clerk"
        spellcheck={false}
      />
      <SelectField
        {...common}
        name="managerId"
        label="Manager"
        hint="Receives escalations “to the manager”"
        options={[NONE, ...colleagues]}
      />
      <SelectField
        {...common}
        name="substituteId"
        label="Substitute"
        hint="Receives the emails while this user is out of office"
        options={[NONE, ...colleagues]}
      />
    </div>
  );
}

/** `/admin/directory/users/new` and `/admin/directory/users/:id`. */
export function UserFormPage(props: UserFormProps) {
  const { ctx, existing, values, errors } = props;
  const action = existing ? `/admin/directory/users/${encodeURIComponent(existing.id)}` : '/admin/directory/users';
  return (
    <AdminPage
      ctx={ctx}
      title={existing ? `Edit user “${existing.id}”` : 'New user'}
      section="directory"
      crumbs={[DIRECTORY_CRUMB]}
    >
      <form method="post" action={action} class="card" novalidate>
        <CsrfField ctx={ctx} />
        <ErrorSummary errors={errors} labels={USER_LABELS} />
        <UserFields {...props} />
        <CheckboxField values={values} errors={errors} name="outOfOffice" label="Out of office" />
        <datalist id="time-zones">
          {timeZones().map((zone) => (
            <option value={zone} />
          ))}
        </datalist>
        <FormActions label={existing ? 'Save user' : 'Create user'} />
      </form>
    </AdminPage>
  );
}

/** `/admin/directory/groups/new` and `/admin/directory/groups/:id`. */
export function GroupFormPage({ ctx, existing, values, errors }: GroupFormProps) {
  const common = { values, errors };
  const action = existing ? `/admin/directory/groups/${encodeURIComponent(existing.id)}` : '/admin/directory/groups';
  const idHint = existing ? 'The id cannot change.' : 'As the pipeline names the group in assignments, e.g. ap-clerks';
  return (
    <AdminPage
      ctx={ctx}
      title={existing ? `Edit group “${existing.id}”` : 'New group'}
      section="directory"
      crumbs={[DIRECTORY_CRUMB]}
    >
      <form method="post" action={action} class="card" novalidate>
        <CsrfField ctx={ctx} />
        <ErrorSummary errors={errors} labels={GROUP_LABELS} />
        <div class="grid grid-2">
          <TextField
            {...common}
            name="id"
            label="Group id"
            required
            readonly={!!existing}
            hint={idHint}
            spellcheck={false}
            autofocus={!existing}
          />
          <TextField {...common} name="name" label="Name" autofocus={!!existing} />
        </div>
        <TextareaField
          {...common}
          name="members"
          label="Members"
          hint="User ids (or nested group ids), one per line or comma-separated"
          rows={4}
          spellcheck={false}
        />
        <FormActions label={existing ? 'Save group' : 'Create group'} />
      </form>
    </AdminPage>
  );
}

/** A user form as the answer's body. */
export const renderUserForm = (props: UserFormProps): string => renderAdmin(<UserFormPage {...props} />);

/** A group form as the answer's body. */
export const renderGroupForm = (props: GroupFormProps): string => renderAdmin(<GroupFormPage {...props} />);
