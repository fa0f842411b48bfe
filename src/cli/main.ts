import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { DocnotifyClient, type EventInput } from '../client';
import { ConfigError, loadConfig, required, webhookPolicy, type Config } from '../config';
import { assertWebhookAllowed } from '../webhooks/destination';
import { STATUSES } from '../domain/status';
import { failureTypeOf, NotFoundError, ValidationError } from '../errors';
import { EXIT_CODES, FAILURES, Failure } from '../domain/failures';
import { loadEnvFiles } from './env';
import { parseEvent } from '../domain/events';
import { DAILY } from '../domain/digest';
import type { Stores } from '../store';
import { NOTIFICATION_STATUSES } from '../store/notifications';

/* Heavy modules (worker, web server, database, local services) load only for the commands that use them. */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
const lazy = {
  dev: () => require('./dev') as typeof import('./dev'),
  worker: () => require('../worker') as typeof import('../worker'),
  web: () => require('../web/start') as typeof import('../web/start'),
  metrics: () => require('../metrics') as typeof import('../metrics'),
  store: () => require('../store') as typeof import('../store'),
  tenants: () => require('../store/tenants') as typeof import('../store/tenants'),
  testSend: () => require('../email/test-send') as typeof import('../email/test-send'),
};
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */

/** Exit codes: 0 ok, 1 failure, 2 bad input or configuration, 3 not found, 4 conflict. */
const EXIT = { failure: 1, usage: 2, notFound: 3, conflict: 4 } as const;

function config(): Config {
  return loadConfig(process.env);
}

async function withClient<T>(fn: (c: DocnotifyClient) => Promise<T>): Promise<T> {
  const cfg = config();
  const client = await DocnotifyClient.connect({ ...cfg.temporal, taskQueue: cfg.TASK_QUEUE });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

async function withStores<T>(fn: (s: Stores, cfg: Config) => Promise<T>): Promise<T> {
  const cfg = config();
  const stores = await lazy.store().openStores(required(cfg, 'DATABASE_URL', 'for this command'), cfg, { max: 2 });
  try {
    return await fn(stores, cfg);
  } finally {
    await stores.db.end();
  }
}

const print = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
};

function keyValue(v: string, prev: Record<string, string>): Record<string, string> {
  const i = v.indexOf('=');
  if (i <= 0) throw new InvalidArgumentError(`"${v}" is not key=value`);
  return { ...prev, [v.slice(0, i)]: v.slice(i + 1) };
}

function readJsonFile(file: string): unknown {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`${file}: malformed JSON (${(e as Error).message})`);
  }
}

function table(rows: Record<string, unknown>[], cols: string[]): void {
  if (!rows.length) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(width[i]))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(cols)}\n${rows.map((r) => line(cols.map((c) => cell(r[c])))).join('\n')}\n`);
}

export function buildProgram(): Command {
  const program = new Command('docnotify')
    .description('Email notifications for document-processing pipelines, on Temporal')
    .showHelpAfterError();

  program
    .command('dev')
    .description('run the whole local system: Temporal dev server, PostgreSQL, SMTP catcher, worker, HTTP server')
    .action(async () => lazy.dev().runDev());

  program
    .command('worker')
    .description('run a worker (document workflows and email activities)')
    .action(async () => {
      const cfg = config();
      const w = await lazy.worker().startWorker(cfg);
      const metrics = cfg.METRICS_PORT ? lazy.metrics().serveMetrics(cfg.METRICS_PORT, w) : undefined;
      const stop = () => {
        metrics?.close();
        void w.shutdown();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await w.done;
    });

  program
    .command('serve')
    .description('run the HTTP server (API, action pages, admin page)')
    .action(async () => {
      const web = await lazy.web().startWeb(config());
      const stop = () => void web.close();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  program
    .command('event')
    .description('send a document event (status change, with optional assignee, fields and due date)')
    .argument('<documentId>', 'the document id')
    .argument('<status>', `one of ${STATUSES.join(', ')}`)
    .option('--type <documentType>', 'document type', 'invoice')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--assignee <who>', 'user id, group id or email address to assign first')
    .option('--field <key=value>', 'document field (repeatable)', keyValue, {} as Record<string, string>)
    .option('--due <iso>', 'due date (ISO-8601)')
    .option('--reason <text>', 'reason of the status change')
    .option('--event-id <id>', "the pipeline's event id (default: a new UUID)")
    .option('--json', 'print JSON')
    .action(
      async (
        documentId: string,
        status: string,
        o: {
          type: string;
          tenant: string;
          assignee?: string;
          field: Record<string, string>;
          due?: string;
          reason?: string;
          eventId?: string;
          json?: boolean;
        },
      ) => {
        const eventId = o.eventId ?? randomUUID();
        const common = { documentId, tenantId: o.tenant, documentType: o.type };
        const events: EventInput[] = [];
        if (Object.keys(o.field).length)
          events.push({ ...common, type: 'fields_updated', eventId: `${eventId}:fields`, fields: o.field });
        if (o.due) events.push({ ...common, type: 'due_date_set', eventId: `${eventId}:due`, dueAt: o.due });
        if (o.assignee)
          events.push({ ...common, type: 'assigned', eventId: `${eventId}:assigned`, assignee: o.assignee });
        events.push({ ...common, type: 'status_changed', eventId, status: status as never, reason: o.reason });
        // Validate every event before sending any.
        for (const e of events) parseEvent({ occurredAt: new Date().toISOString(), ...e });
        const results = await withClient(async (c) => {
          const out = [];
          for (const e of events) out.push(await c.sendEvent(e));
          return out;
        });
        const last = results[results.length - 1];
        if (o.json) print(results);
        else process.stdout.write(`sent ${results.length} event(s) to ${last.workflowId} (run ${last.runId})\n`);
      },
    );

  program
    .command('status')
    .description('show what the document workflow knows (the documentState query)')
    .argument('<documentId>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--json', 'print JSON')
    .action(async (documentId: string, o: { tenant: string; json?: boolean }) => {
      const v = await withClient((c) => c.getState(documentId, o.tenant));
      if (o.json) return print(v);
      const lines = [
        `${v.documentType} ${v.documentId} (${v.tenantId})${v.finished ? ' [finished]' : ''}`,
        `  status: ${v.status ?? '-'} since ${v.statusSince ?? '-'}`,
        `  assignee: ${v.assignee ?? '-'}`,
        `  awaiting action: ${v.awaitingAction}  escalation level: ${v.escalationLevel}`,
        `  due: ${v.dueAt ?? '-'}`,
        `  emails sent: ${v.emailCount}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      process.stdout.write('  pending:\n');
      for (const p of v.pending) process.stdout.write(`    ${p.at}  ${p.summary}\n`);
    });

  program
    .command('list')
    .description('list documents (visibility query)')
    .option('--status <status>')
    .option('--awaiting', 'only documents waiting for a person')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--assignee <who>')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; awaiting?: boolean; tenant: string; assignee?: string; json?: boolean }) => {
      const docs = await withClient((c) =>
        c.list({ tenantId: o.tenant, status: o.status, awaiting: o.awaiting ? true : undefined, assignee: o.assignee }),
      );
      if (o.json) return print(docs);
      table(docs as unknown as Record<string, unknown>[], [
        'documentId',
        'documentType',
        'status',
        'assignee',
        'awaitingAction',
        'escalationLevel',
        'nextNotificationAt',
        'running',
      ]);
    });

  const rules = program.command('rules').description('notification rules');
  rules
    .command('list')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--json')
    .action(async (o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const list = await s.rules.list(o.tenant);
        if (o.json) return print(list);
        table(
          list.map((r) => ({
            id: r.id,
            name: r.name,
            active: r.active,
            documentType: r.documentType ?? '(all)',
            trigger: 'status' in r.trigger ? r.trigger.status : `event:${r.trigger.event}`,
            priority: r.priority,
          })),
          ['id', 'name', 'active', 'documentType', 'trigger', 'priority'],
        );
      }),
    );
  rules
    .command('get')
    .argument('<id>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (id: string, o: { tenant: string }) =>
      withStores(async (s) => print(await s.rules.get(o.tenant, id))),
    );
  rules
    .command('create')
    .requiredOption('-f, --file <file>', 'rule JSON file (- for stdin)')
    .option('--tenant <tenantId>')
    .action(async (o: { file: string; tenant?: string }) =>
      withStores(async (s) => {
        const rule = await s.rules.create(readJsonFile(o.file), o.tenant);
        await notifyRules(rule.tenantId);
        print(rule);
      }),
    );
  rules
    .command('update')
    .argument('<id>')
    .requiredOption('-f, --file <file>', 'rule JSON file (- for stdin)')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (id: string, o: { file: string; tenant: string }) =>
      withStores(async (s) => {
        print(await s.rules.update(o.tenant, id, readJsonFile(o.file)));
        await notifyRules(o.tenant);
      }),
    );
  for (const [name, active] of [
    ['activate', true],
    ['deactivate', false],
  ] as const) {
    rules
      .command(name)
      .argument('<id>')
      .option('--tenant <tenantId>', 'tenant', 'default')
      .action(async (id: string, o: { tenant: string }) =>
        withStores(async (s) => {
          const r = await s.rules.setActive(o.tenant, id, active);
          await notifyRules(o.tenant);
          process.stdout.write(`rule ${r.name} ${active ? 'activated' : 'deactivated'}\n`);
        }),
      );
  }
  rules
    .command('delete')
    .argument('<id>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (id: string, o: { tenant: string }) =>
      withStores(async (s) => {
        await s.rules.remove(o.tenant, id);
        await notifyRules(o.tenant);
        process.stdout.write(`rule ${id} deleted\n`);
      }),
    );

  const dir = program.command('directory').description('users and groups');
  dir
    .command('list')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--json')
    .action(async (o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const users = await s.directory.listUsers(o.tenant);
        const groups = await s.directory.listGroups(o.tenant);
        if (o.json) return print({ users, groups });
        table(users as unknown as Record<string, unknown>[], [
          'id',
          'email',
          'name',
          'locale',
          'timeZone',
          'managerId',
          'substituteId',
          'outOfOffice',
        ]);
        table(
          groups.map((g) => ({ ...g, members: g.members.join(',') })),
          ['id', 'name', 'members'],
        );
      }),
    );
  dir
    .command('put-user')
    .description('create or update a user from JSON')
    .requiredOption('-f, --file <file>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (o: { file: string; tenant: string }) =>
      withStores(async (s) => print(await s.directory.putUser(o.tenant, readJsonFile(o.file)))),
    );
  dir
    .command('put-group')
    .description('create or update a group from JSON')
    .requiredOption('-f, --file <file>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (o: { file: string; tenant: string }) =>
      withStores(async (s) => print(await s.directory.putGroup(o.tenant, readJsonFile(o.file)))),
    );
  dir
    .command('delete-user')
    .argument('<id>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (id: string, o: { tenant: string }) => withStores((s) => s.directory.removeUser(o.tenant, id)));
  dir
    .command('delete-group')
    .argument('<id>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (id: string, o: { tenant: string }) => withStores((s) => s.directory.removeGroup(o.tenant, id)));

  const tenant = program
    .command('tenant')
    .description('tenant settings: locale, business calendars, webhook, administrators');
  tenant
    .command('get')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (o: { tenant: string }) =>
      withStores(async (s) => {
        const t = await s.tenants.get(o.tenant);
        print({ ...t, webhookSecret: t.webhookSecret ? '(set)' : undefined });
      }),
    );
  tenant
    .command('set')
    .description('replace the settings from a JSON file (validated first: nothing is saved on error)')
    .requiredOption('-f, --file <file>', 'settings JSON file (- for stdin)')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (o: { file: string; tenant: string }) =>
      withStores(async (s) => {
        const settings = lazy.tenants().parseTenantSettings(o.tenant, readJsonFile(o.file));
        await assertWebhookAllowed(settings.webhookUrl, webhookPolicy(config()));
        await s.tenants.put(settings);
        await notifyRules(o.tenant);
        process.stdout.write(`tenant ${o.tenant} updated\n`);
      }),
    );

  const templates = program.command('templates').description('email templates');
  templates
    .command('list')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--json')
    .action(async (o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const list = await s.templates.list(o.tenant);
        if (o.json) return print(list);
        table(list as unknown as Record<string, unknown>[], ['name', 'locale', 'documentType', 'isDefault', 'subject']);
      }),
    );
  templates
    .command('get')
    .argument('<name>')
    .option('--locale <locale>', 'locale', 'en')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (name: string, o: { locale: string; tenant: string }) =>
      withStores(async (s) => print(await s.templates.get(o.tenant, name, o.locale))),
    );
  templates
    .command('put')
    .description('create or update a template from JSON {name, locale, subject, html, text?, documentType?}')
    .requiredOption('-f, --file <file>')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(async (o: { file: string; tenant: string }) =>
      withStores(async (s) => print(await s.templates.put(o.tenant, readJsonFile(o.file)))),
    );
  templates
    .command('test')
    .description('render a template with sample values and send it')
    .argument('<name>')
    .requiredOption('--to <address>')
    .option('--field <key=value>', 'sample field value (repeatable)', keyValue, {} as Record<string, string>)
    .option('--locale <locale>')
    .option('--type <documentType>', 'document type', 'invoice')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .action(
      async (
        name: string,
        o: { to: string; field: Record<string, string>; locale?: string; type: string; tenant: string },
      ) =>
        withStores(async (s, cfg) => {
          const r = await lazy.testSend().sendTestEmail(cfg, s, {
            tenantId: o.tenant,
            template: name,
            documentType: o.type,
            to: o.to,
            locale: o.locale,
            fields: o.field,
          });
          process.stdout.write(`${r.status}: ${r.messageId ?? ''} ${r.detail ?? ''}\n`);
          if (r.status !== 'sent') process.exitCode = EXIT.failure;
        }),
    );

  const keys = program
    .command('keys')
    .description('API keys of a tenant (scope ingest: document events and state; admin: everything of the tenant)');
  keys
    .command('create')
    .requiredOption('--tenant <tenantId>', 'the tenant the key is bound to')
    .requiredOption('--scope <scope>', 'ingest or admin')
    .requiredOption('--name <name>', 'what the key is for')
    .action(async (o: { tenant: string; scope: string; name: string }) =>
      withStores(async (s) => {
        const created = await s.apiKeys.create({ tenantId: o.tenant, scope: o.scope, name: o.name, createdBy: 'cli' });
        const { key, ...recorded } = created;
        await s.audit.record({
          tenantId: o.tenant,
          actor: 'cli',
          action: 'key.create',
          entity: 'api_key',
          entityId: created.id,
          after: recorded,
        });
        process.stderr.write(
          `API key ${created.id} created for tenant ${o.tenant} (scope ${o.scope}). It is shown once, now:\n`,
        );
        process.stdout.write(`${key}\n`);
      }),
    );
  keys
    .command('list')
    .requiredOption('--tenant <tenantId>')
    .option('--json')
    .action(async (o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const rows = await s.apiKeys.list(o.tenant);
        return o.json
          ? print(rows)
          : table(rows as unknown as Record<string, unknown>[], [
              'id',
              'scope',
              'name',
              'createdBy',
              'createdAt',
              'revokedAt',
            ]);
      }),
    );
  keys
    .command('revoke')
    .argument('<id>')
    .requiredOption('--tenant <tenantId>')
    .action(async (id: string, o: { tenant: string }) =>
      withStores(async (s) => {
        const revoked = await s.apiKeys.revoke(o.tenant, id);
        await s.audit.record({
          tenantId: o.tenant,
          actor: 'cli',
          action: 'key.revoke',
          entity: 'api_key',
          entityId: id,
          after: revoked,
        });
        process.stdout.write(`API key ${id} revoked\n`);
      }),
    );

  const admins = program
    .command('admins')
    .description("a tenant's administrator accounts (they sign in to /admin and see only their tenant)");
  admins
    .command('set')
    .description('create the account or set its password (read from stdin, one line)')
    .argument('<username>')
    .requiredOption('--tenant <tenantId>')
    .action(async (username: string, o: { tenant: string }) =>
      withStores(async (s) => {
        const password = readFileSync(0, 'utf8').split('\n')[0].replace(/\r$/, '');
        const before = await s.admins.get(username);
        const account = await s.admins.put({ tenantId: o.tenant, username, password });
        await s.audit.record({
          tenantId: o.tenant,
          actor: 'cli',
          action: before ? 'admin.password' : 'admin.create',
          entity: 'admin',
          entityId: account.username,
          before,
          after: account,
        });
        process.stdout.write(
          `administrator ${account.username} of tenant ${o.tenant} ${before ? 'has a new password' : 'created'}\n`,
        );
      }),
    );
  admins
    .command('list')
    .requiredOption('--tenant <tenantId>')
    .option('--json')
    .action(async (o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const rows = await s.admins.list(o.tenant);
        return o.json
          ? print(rows)
          : table(rows as unknown as Record<string, unknown>[], ['username', 'createdAt', 'passwordChangedAt']);
      }),
    );
  admins
    .command('remove')
    .argument('<username>')
    .requiredOption('--tenant <tenantId>')
    .action(async (username: string, o: { tenant: string }) =>
      withStores(async (s) => {
        await s.admins.remove(o.tenant, username);
        await s.audit.record({
          tenantId: o.tenant,
          actor: 'cli',
          action: 'admin.delete',
          entity: 'admin',
          entityId: username.toLowerCase(),
        });
      }),
    );
  const digest = program.command('digest').description("a person's daily digest (docs/digest.md)");
  digest
    .command('list')
    .description('what is filed for the next digest of a person (in digest order)')
    .argument('<email>')
    .requiredOption('--tenant <tenantId>')
    .option('--json')
    .action(async (email: string, o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const { entries } = await s.digests.page(o.tenant, email, DAILY, 1000, 0);
        const rows = entries.map((e) => ({
          documentId: e.documentId,
          kind: e.kind,
          status: e.status ?? '',
          dueAt: e.dueAt === undefined ? '' : new Date(e.dueAt).toISOString(),
          subject: e.subject,
        }));
        return o.json ? print(rows) : table(rows, ['documentId', 'kind', 'status', 'dueAt', 'subject']);
      }),
    );
  digest
    .command('send')
    .description('send the digest of a person now (the daily schedule goes on)')
    .argument('<email>')
    .requiredOption('--tenant <tenantId>')
    .action(async (email: string, o: { tenant: string }) =>
      withClient(async (c) => {
        const workflowId = await c.sendDigestNow(email, o.tenant);
        process.stdout.write(`digest of ${email} asked to go out now (${workflowId})\n`);
      }),
    );
  const sup = program
    .command('suppressions')
    .description('addresses a tenant does not email (permanent failures, bounces, added by hand)');
  sup
    .command('list')
    .requiredOption('--tenant <tenantId>')
    .option('--json')
    .action(async (o: { tenant: string; json?: boolean }) =>
      withStores(async (s) => {
        const rows = await s.suppressions.list(o.tenant);
        return o.json
          ? print(rows)
          : table(rows as unknown as Record<string, unknown>[], ['email', 'source', 'createdAt', 'reason']);
      }),
    );
  sup
    .command('add')
    .description('suppress an address: no email of the tenant goes to it until the suppression is lifted')
    .argument('<email>')
    .requiredOption('--tenant <tenantId>')
    .option('--reason <text>', 'why', 'added by an operator (CLI)')
    .action(async (email: string, o: { tenant: string; reason: string }) =>
      withStores(async (s) => {
        const { suppression, created } = await s.suppressions.add(o.tenant, {
          email,
          reason: o.reason,
          source: 'admin',
        });
        if (created)
          await s.audit.record({
            tenantId: o.tenant,
            actor: 'cli',
            action: 'suppression.add',
            entity: 'suppression',
            entityId: suppression.email,
            after: suppression,
          });
        process.stderr.write(
          created
            ? `${suppression.email} suppressed for tenant ${o.tenant}\n`
            : `${suppression.email} was already suppressed\n`,
        );
        print(suppression);
      }),
    );
  sup
    .command('lift')
    .description('lift a suppression: the address gets email again')
    .argument('<email>')
    .requiredOption('--tenant <tenantId>')
    .action(async (email: string, o: { tenant: string }) =>
      withStores(async (s) => {
        const lifted = await s.suppressions.lift(o.tenant, email);
        if (!lifted) throw new NotFoundError(`${email} is not suppressed for tenant ${o.tenant}`);
        await s.audit.record({
          tenantId: o.tenant,
          actor: 'cli',
          action: 'suppression.lift',
          entity: 'suppression',
          entityId: lifted.email,
          before: lifted,
        });
        process.stdout.write(`suppression of ${lifted.email} lifted for tenant ${o.tenant}\n`);
      }),
    );
  program
    .command('audit')
    .description('the audit log of a tenant, newest first')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--limit <n>', 'rows', '50')
    .option('--json')
    .action(async (o: { tenant: string; limit: string; json?: boolean }) =>
      withStores(async (s) => {
        const rows = await s.audit.list(o.tenant, { limit: Number(o.limit) });
        return o.json
          ? print(rows)
          : table(rows as unknown as Record<string, unknown>[], ['at', 'actor', 'action', 'entity', 'entityId']);
      }),
    );

  program
    .command('log')
    .description('the notification log, newest first')
    .option('--tenant <tenantId>', 'tenant', 'default')
    .option('--document <id>')
    .option('--rule <id>')
    .option('--recipient <email>')
    .option('--status <status>', NOTIFICATION_STATUSES.join(', '))
    .option('--failing', 'list the addresses marked as failing permanently instead')
    .option('--since <iso>')
    .option('--until <iso>')
    .option('--limit <n>', 'rows', '50')
    .option('--json')
    .action(
      async (o: {
        tenant: string;
        document?: string;
        rule?: string;
        recipient?: string;
        status?: string;
        failing?: boolean;
        since?: string;
        until?: string;
        limit: string;
        json?: boolean;
      }) =>
        withStores(async (s) => {
          if (o.failing) {
            const failing = await s.notifications.failingRecipients(o.tenant);
            return o.json ? print(failing) : table(failing, ['email', 'failures', 'reason']);
          }
          for (const [k, v] of [
            ['since', o.since],
            ['until', o.until],
          ] as const)
            if (v && Number.isNaN(Date.parse(v)))
              throw new ValidationError(`--${k}: "${v}" is not an ISO-8601 timestamp`);
          if (o.status && !(NOTIFICATION_STATUSES as readonly string[]).includes(o.status))
            throw new ValidationError(`--status: "${o.status}" is not one of ${NOTIFICATION_STATUSES.join(', ')}`);
          const rows = await s.notifications.list({
            tenantId: o.tenant,
            documentId: o.document,
            ruleId: o.rule,
            recipient: o.recipient,
            status: o.status as never,
            since: o.since ? new Date(o.since) : undefined,
            until: o.until ? new Date(o.until) : undefined,
            limit: Number(o.limit),
          });
          if (o.json) return print(rows);
          table(rows as unknown as Record<string, unknown>[], [
            'createdAt',
            'documentId',
            'kind',
            'recipient',
            'status',
            'subject',
            'smtpResponse',
          ]);
        }),
    );

  return program;
}

async function notifyRules(tenantId: string): Promise<void> {
  await withClient((c) => c.notifyRulesChanged(tenantId)).catch(() => undefined); // Temporal down: workflows re-read rules at their next wake-up
}

/** Prints an error the way a person can act on, and sets the exit code. */
export function reportError(e: unknown): number {
  const err = e as Error;
  const kind = e instanceof ConfigError ? Failure.ConfigError : failureTypeOf(e);
  const code = kind ? FAILURES[kind].exit : EXIT_CODES.failure;
  process.stderr.write(`docnotify: ${err.message ?? String(e)}\n`);
  return code;
}

if (require.main === module) {
  const program = buildProgram();
  // `dev` reads `.env` only: dev.env holds the URLs of a running `dev`, never configuration for a new one.
  program.hook('preAction', (_program, command) => loadEnvFiles({ devEnv: command.name() !== 'dev' }));
  program.parseAsync(process.argv).catch((e: unknown) => {
    process.exitCode = reportError(e);
  });
}
