import { z } from 'zod';
import { ValidationError } from '../domain/events';
import type { Db } from './db';
import { NotFoundError } from '../errors';

const id = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[^\s/]+$/, 'must not contain spaces or "/"');

export const userSchema = z.strictObject({
  id,
  email: z.email({ error: (i) => `"${String(i.input)}" is not an email address` }),
  name: z.string().trim().max(200).optional(),
  locale: z.enum(['en', 'es', 'de']).optional(),
  timeZone: z
    .string()
    .trim()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA time zone (e.g. Europe/Madrid)')
    .optional(),
  managerId: id.optional(),
  substituteId: id.optional(),
  outOfOffice: z.boolean().default(false),
  roles: z.array(z.string().trim().min(1).max(100)).default([]),
});
export const groupSchema = z.strictObject({
  id,
  name: z.string().trim().max(200).optional(),
  members: z.array(id).default([]),
});

export type DirectoryUser = z.output<typeof userSchema>;
export type DirectoryGroup = z.output<typeof groupSchema>;

/** One person an email goes to. */
export interface Recipient {
  email: string;
  name?: string;
  locale?: string;
  timeZone?: string;
  userId?: string;
}

function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const r = schema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error, `invalid ${what}`);
  return r.data;
}

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  locale: string | null;
  time_zone: string | null;
  manager_id: string | null;
  substitute_id: string | null;
  out_of_office: boolean;
  roles: string[];
}
const toUser = (r: UserRow): DirectoryUser => ({
  id: r.id,
  email: r.email,
  name: r.name ?? undefined,
  locale: (r.locale as DirectoryUser['locale']) ?? undefined,
  timeZone: r.time_zone ?? undefined,
  managerId: r.manager_id ?? undefined,
  substituteId: r.substitute_id ?? undefined,
  outOfOffice: r.out_of_office,
  roles: r.roles,
});
const toRecipient = (u: DirectoryUser): Recipient => ({
  email: u.email,
  name: u.name,
  locale: u.locale,
  timeZone: u.timeZone,
  userId: u.id,
});

/** Users and groups of each tenant; resolves who an email goes to. */
export class DirectoryStore {
  constructor(private readonly db: Db) {}

  async listUsers(tenantId: string): Promise<DirectoryUser[]> {
    return (
      await this.db.query<UserRow>('SELECT * FROM directory_users WHERE tenant_id = $1 ORDER BY id', [tenantId])
    ).rows.map(toUser);
  }
  async getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    const r = await this.db.query<UserRow>('SELECT * FROM directory_users WHERE tenant_id = $1 AND id = $2', [
      tenantId,
      userId,
    ]);
    return r.rows[0] ? toUser(r.rows[0]) : undefined;
  }
  async putUser(tenantId: string, input: unknown): Promise<DirectoryUser> {
    const u = parse(userSchema, input, 'user');
    await this.db.query(
      `INSERT INTO directory_users (tenant_id, id, email, name, locale, time_zone, manager_id, substitute_id, out_of_office, roles)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
       ON CONFLICT (tenant_id, id) DO UPDATE SET email=$3, name=$4, locale=$5, time_zone=$6, manager_id=$7, substitute_id=$8, out_of_office=$9, roles=$10, updated_at=now()`,
      [
        tenantId,
        u.id,
        u.email,
        u.name ?? null,
        u.locale ?? null,
        u.timeZone ?? null,
        u.managerId ?? null,
        u.substituteId ?? null,
        u.outOfOffice,
        u.roles,
      ],
    );
    return u;
  }
  async removeUser(tenantId: string, userId: string): Promise<void> {
    const r = await this.db.query('DELETE FROM directory_users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
    if (!r.rowCount) throw new NotFoundError(`user ${userId} not found`);
  }
  async listGroups(tenantId: string): Promise<DirectoryGroup[]> {
    const r = await this.db.query<{ id: string; name: string | null; members: string[] }>(
      'SELECT id, name, members FROM directory_groups WHERE tenant_id = $1 ORDER BY id',
      [tenantId],
    );
    return r.rows.map((g) => ({ id: g.id, name: g.name ?? undefined, members: g.members }));
  }
  async putGroup(tenantId: string, input: unknown): Promise<DirectoryGroup> {
    const g = parse(groupSchema, input, 'group');
    await this.db.query(
      `INSERT INTO directory_groups (tenant_id, id, name, members) VALUES ($1,$2,$3,$4)
       ON CONFLICT (tenant_id, id) DO UPDATE SET name=$3, members=$4, updated_at=now()`,
      [tenantId, g.id, g.name ?? null, g.members],
    );
    return g;
  }
  async removeGroup(tenantId: string, groupId: string): Promise<void> {
    const r = await this.db.query('DELETE FROM directory_groups WHERE tenant_id = $1 AND id = $2', [tenantId, groupId]);
    if (!r.rowCount) throw new NotFoundError(`group ${groupId} not found`);
  }

  /**
   * A user id, a group id or a plain address → the people to email. Out-of-office users are replaced by their
   * substitute (one hop; a substitute who is also away is still used, to lose nothing). Unknown ids resolve to nobody.
   */
  async resolve(tenantId: string, who: string): Promise<Recipient[]> {
    const user = await this.getUser(tenantId, who);
    if (user) return [await this.present(tenantId, user)];
    const g = await this.db.query<{ members: string[] }>(
      'SELECT members FROM directory_groups WHERE tenant_id = $1 AND id = $2',
      [tenantId, who],
    );
    if (g.rows[0]) {
      const out: Recipient[] = [];
      for (const m of g.rows[0].members) out.push(...(await this.resolve(tenantId, m)));
      return out;
    }
    if (z.email().safeParse(who).success) {
      const user = await this.userByEmail(tenantId, who);
      return [user ? await this.present(tenantId, user) : { email: who }];
    }
    return [];
  }

  /** Every user that has the role. */
  async withRole(tenantId: string, role: string): Promise<Recipient[]> {
    const r = await this.db.query<UserRow>(
      'SELECT * FROM directory_users WHERE tenant_id = $1 AND $2 = ANY(roles) ORDER BY id',
      [tenantId, role],
    );
    return Promise.all(r.rows.map((row) => this.present(tenantId, toUser(row))));
  }

  /** The manager of a user (resolving the assignee first when it is an address). */
  async managerOf(tenantId: string, who: string): Promise<Recipient[]> {
    const user = (await this.getUser(tenantId, who)) ?? (await this.userByEmail(tenantId, who));
    if (!user?.managerId) return [];
    const manager = await this.getUser(tenantId, user.managerId);
    return manager ? [await this.present(tenantId, manager)] : [];
  }

  private async userByEmail(tenantId: string, email: string): Promise<DirectoryUser | undefined> {
    const r = await this.db.query<UserRow>(
      'SELECT * FROM directory_users WHERE tenant_id = $1 AND lower(email) = lower($2)',
      [tenantId, email],
    );
    return r.rows[0] ? toUser(r.rows[0]) : undefined;
  }

  private async present(tenantId: string, user: DirectoryUser): Promise<Recipient> {
    if (user.outOfOffice && user.substituteId) {
      const sub = await this.getUser(tenantId, user.substituteId);
      if (sub) return toRecipient(sub);
    }
    return toRecipient(user);
  }
}
