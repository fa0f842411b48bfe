import { ConflictError, NotFoundError, ValidationError } from '../errors';
import {
  hashPassword,
  newApiKey,
  passwordProblem,
  verifyPassword,
  keySecretMatches,
  parseApiKey,
  API_KEY_SCOPES,
  type ApiKeyScope,
} from '../access/credentials';
import { tenantIdProblem } from '../domain/tenant';
import type { Db } from './db';

export interface ApiKey {
  id: string;
  tenantId: string;
  scope: ApiKeyScope;
  name: string;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
}

interface KeyRow {
  id: string;
  tenant_id: string;
  scope: ApiKeyScope;
  name: string;
  secret_hash: Buffer;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
}

const toKey = (r: KeyRow): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  scope: r.scope,
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
});

/** API keys bound to one tenant and one scope; the secret is shown once, at creation. */
export class ApiKeyStore {
  constructor(private readonly db: Db) {}

  async create(input: {
    tenantId: string;
    scope: unknown;
    name: unknown;
    createdBy: string;
  }): Promise<ApiKey & { key: string }> {
    const problems = [
      tenantIdProblem(input.tenantId),
      API_KEY_SCOPES.includes(input.scope as ApiKeyScope)
        ? undefined
        : `scope: must be one of ${API_KEY_SCOPES.join(', ')}`,
      typeof input.name === 'string' && input.name.trim().length > 0 && input.name.length <= 100
        ? undefined
        : 'name: is required (at most 100 characters)',
    ].filter(Boolean);
    if (problems.length > 0) throw new ValidationError(`invalid API key: ${problems.join('; ')}`);
    const { key, id, secretHash } = newApiKey();
    const r = await this.db.query<KeyRow>(
      'INSERT INTO api_keys (id, tenant_id, scope, name, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [id, input.tenantId, input.scope, (input.name as string).trim(), secretHash, input.createdBy],
    );
    return { ...toKey(r.rows[0]), key };
  }

  async list(tenantId: string): Promise<ApiKey[]> {
    const r = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id', [
      tenantId,
    ]);
    return r.rows.map(toKey);
  }

  async get(id: string): Promise<ApiKey | undefined> {
    const r = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
    return r.rows[0] ? toKey(r.rows[0]) : undefined;
  }

  /** Revokes the key (of that tenant): every later request with it is refused. */
  async revoke(tenantId: string, id: string): Promise<ApiKey> {
    const r = await this.db.query<KeyRow>(
      'UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING *',
      [id, tenantId],
    );
    if (!r.rows[0]) throw new NotFoundError(`API key ${id} not found in tenant ${tenantId}`);
    return toKey(r.rows[0]);
  }

  /** The live key a bearer token presents, or undefined (not a key, unknown, wrong secret, revoked). */
  async authenticate(presented: string): Promise<ApiKey | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const r = await this.db.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [parsed.id]);
    const row = r.rows[0];
    if (!row || row.revoked_at || !keySecretMatches(parsed.secret, row.secret_hash)) return undefined;
    return toKey(row);
  }
}

export interface AdminAccount {
  username: string;
  tenantId: string;
  createdAt: string;
  passwordChangedAt: string;
}

interface AccountRow {
  username: string;
  tenant_id: string;
  password_hash: string;
  created_at: Date;
  password_changed_at: Date;
}

const toAccount = (r: AccountRow): AdminAccount => ({
  username: r.username,
  tenantId: r.tenant_id,
  createdAt: r.created_at.toISOString(),
  passwordChangedAt: r.password_changed_at.toISOString(),
});
const USERNAME = /^[A-Za-z0-9._@+-]{3,320}$/;

/** Named administrators, each of one tenant; passwords kept as scrypt hashes. */
export class AdminAccountStore {
  constructor(private readonly db: Db) {}

  /** Creates the account, or sets a new password on an existing one of the same tenant. */
  async put(input: { tenantId: string; username: unknown; password: unknown }): Promise<AdminAccount> {
    const username = typeof input.username === 'string' ? input.username.trim().toLowerCase() : '';
    const problems = [
      tenantIdProblem(input.tenantId),
      USERNAME.test(username) ? undefined : 'username: 3 to 320 letters, digits or . _ @ + -',
      typeof input.password === 'string' ? passwordProblem(input.password) : 'password: is required',
    ].filter(Boolean);
    if (problems.length > 0) throw new ValidationError(`invalid administrator: ${problems.join('; ')}`);
    const hash = await hashPassword(input.password as string);
    const r = await this.db.query<AccountRow>(
      `INSERT INTO admin_accounts (username, tenant_id, password_hash) VALUES ($1, $2, $3)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_changed_at = now()
         WHERE admin_accounts.tenant_id = EXCLUDED.tenant_id
       RETURNING *`,
      [username, input.tenantId, hash],
    );
    if (!r.rows[0]) throw new ConflictError(`username: "${username}" is taken by another tenant's administrator`);
    return toAccount(r.rows[0]);
  }

  async list(tenantId: string): Promise<AdminAccount[]> {
    const r = await this.db.query<AccountRow>('SELECT * FROM admin_accounts WHERE tenant_id = $1 ORDER BY username', [
      tenantId,
    ]);
    return r.rows.map(toAccount);
  }

  async get(username: string): Promise<AdminAccount | undefined> {
    const r = await this.db.query<AccountRow>('SELECT * FROM admin_accounts WHERE username = $1', [
      username.trim().toLowerCase(),
    ]);
    return r.rows[0] ? toAccount(r.rows[0]) : undefined;
  }

  async remove(tenantId: string, username: string): Promise<void> {
    const r = await this.db.query('DELETE FROM admin_accounts WHERE tenant_id = $1 AND username = $2', [
      tenantId,
      username.trim().toLowerCase(),
    ]);
    if (r.rowCount === 0) throw new NotFoundError(`administrator ${username} not found in tenant ${tenantId}`);
  }

  /** The account when the password is right. An unknown user costs the same scrypt run as a known one. */
  async verify(username: string, password: string): Promise<AdminAccount | undefined> {
    const r = await this.db.query<AccountRow>('SELECT * FROM admin_accounts WHERE username = $1', [
      username.trim().toLowerCase(),
    ]);
    const row = r.rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? toAccount(row) : undefined;
  }
}

/** A hash nobody's password matches, checked for unknown users so that timing tells nothing. */
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Failed sign-ins per key (an account, a network) in a fixed window, shared by every web process. */
export class SignInFailureStore {
  constructor(
    private readonly db: Db,
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Which of `keys` are over the limit now. */
  async blocked(keys: string[]): Promise<Set<string>> {
    const r = await this.db.query<{ key: string }>(
      `SELECT key FROM signin_failures WHERE key = ANY($1) AND failures >= $2 AND window_start > now() - make_interval(secs => $3)`,
      [keys, this.max, this.windowMs / 1000],
    );
    return new Set(r.rows.map((x) => x.key));
  }

  async fail(keys: string[]): Promise<void> {
    await this.db.query(
      `INSERT INTO signin_failures (key, failures, window_start) SELECT k, 1, now() FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN signin_failures.window_start > now() - make_interval(secs => $2) THEN signin_failures.failures + 1 ELSE 1 END,
         window_start = CASE WHEN signin_failures.window_start > now() - make_interval(secs => $2) THEN signin_failures.window_start ELSE now() END`,
      [keys, this.windowMs / 1000],
    );
  }

  async clear(keys: string[]): Promise<void> {
    await this.db.query('DELETE FROM signin_failures WHERE key = ANY($1)', [keys]);
  }
}

export interface AuditEntry {
  id: string;
  at: string;
  tenantId: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** Who changed which rule, template, directory entry, setting or credential, when, and from what to what. */
export class AuditStore {
  constructor(private readonly db: Db) {}

  async record(e: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    await this.db.query(
      'INSERT INTO audit_log (tenant_id, actor, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        e.tenantId,
        e.actor,
        e.action,
        e.entity,
        e.entityId,
        e.before === undefined ? null : JSON.stringify(e.before),
        e.after === undefined ? null : JSON.stringify(e.after),
      ],
    );
  }

  async list(tenantId: string, opts: { limit?: number; entity?: string } = {}): Promise<AuditEntry[]> {
    const r = await this.db.query<{
      id: string;
      at: Date;
      tenant_id: string;
      actor: string;
      action: string;
      entity: string;
      entity_id: string;
      before: unknown;
      after: unknown;
    }>(
      `SELECT * FROM audit_log WHERE tenant_id = $1 AND ($2::text IS NULL OR entity = $2) ORDER BY at DESC, id DESC LIMIT $3`,
      [tenantId, opts.entity ?? null, Math.min(opts.limit ?? 100, 1000)],
    );
    return r.rows.map((x) => ({
      id: String(x.id),
      at: x.at.toISOString(),
      tenantId: x.tenant_id,
      actor: x.actor,
      action: x.action,
      entity: x.entity,
      entityId: x.entity_id,
      ...(x.before === null ? {} : { before: x.before }),
      ...(x.after === null ? {} : { after: x.after }),
    }));
  }
}
