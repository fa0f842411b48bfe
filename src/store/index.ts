import type { Config } from '../config';
import { openDb, withAdvisoryLock, type Db } from './db';
import { DirectoryStore } from './directory';
import { NotificationStore } from './notifications';
import { RuleStore } from './rules';
import { RulesVersionStore } from './rules-versions';
import { SendFactsStore } from './send-facts';
import { seedTenant } from './seed';
import { SubscriberStore } from './subscribers';
import { SuppressionStore } from './suppressions';
import { PreferenceStore } from './preferences';
import { DigestStore } from './digests';
import { AdminAccountStore, ApiKeyStore, AuditStore, SignInFailureStore } from './access';
import { TemplateStore } from './templates';
import { TenantStore } from './tenants';

/** The advisory lock seeding runs under (migrations take 4242001). */
const SEED_LOCK = 4242002;

/** Every repository over one pool. */
export interface Stores {
  db: Db;
  rules: RuleStore;
  rulesVersions: RulesVersionStore;
  /** What deciding one email reads, in one query. */
  sendFacts: SendFactsStore;
  directory: DirectoryStore;
  templates: TemplateStore;
  tenants: TenantStore;
  notifications: NotificationStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  preferences: PreferenceStore;
  digests: DigestStore;
  apiKeys: ApiKeyStore;
  admins: AdminAccountStore;
  signInFailures: SignInFailureStore;
  audit: AuditStore;
}

/** Opens the database, applies migrations, loads shipped templates and seeds tenant `default` on first start. */
export async function openStores(
  databaseUrl: string,
  config: Pick<Config, 'DEFAULT_LOCALE'>,
  opts: { max?: number } = {},
): Promise<Stores> {
  const db = await openDb(databaseUrl, opts);
  const stores: Stores = {
    db,
    rules: new RuleStore(db),
    rulesVersions: new RulesVersionStore(db),
    sendFacts: new SendFactsStore(db),
    directory: new DirectoryStore(db),
    templates: new TemplateStore(db),
    tenants: new TenantStore(db, config.DEFAULT_LOCALE),
    notifications: new NotificationStore(db),
    subscribers: new SubscriberStore(db),
    suppressions: new SuppressionStore(db),
    preferences: new PreferenceStore(db),
    digests: new DigestStore(db),
    apiKeys: new ApiKeyStore(db),
    admins: new AdminAccountStore(db),
    signInFailures: new SignInFailureStore(db),
    audit: new AuditStore(db),
  };
  // Two processes starting on a new database would both find tenant `default` missing and seed it twice.
  await withAdvisoryLock(db, SEED_LOCK, async () => {
    await stores.templates.seedDefaults();
    await seedTenant('default', stores, config.DEFAULT_LOCALE);
  });
  return stores;
}
