/** Rules: list with filters, create/edit form, activate/deactivate, delete with a confirmation page. */
import type { FastifyInstance } from 'fastify';
import { formatDuration } from '../../domain/duration';
import { EVENT_TRIGGERS, type Rule } from '../../domain/rules';
import { STATUS_LABELS, STATUSES, type DocumentStatus } from '../../domain/status';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { auditChange, ctx, q, redirect, sendHtml, str, type AdminCtx, type AdminEnv } from './context';
import { formValues, type FieldErrors, type FormValues } from './form';
import { attrs, html, type SafeHtml, type Slot } from './html';
import { badge, csrfField, emptyState, page, table } from './layout';
import {
  addLevel,
  EVENT_LABELS,
  removeLevel,
  ruleForm,
  ruleToValues,
  storeErrorToFields,
  validateRuleForm,
} from './rule-form';

/** Document types offered in the rule form besides those already used. */
const COMMON_TYPES = ['invoice', 'credit_note', 'order', 'delivery_note', 'contract'];

export function triggerLabel(r: Pick<Rule, 'trigger'>): string {
  return 'status' in r.trigger
    ? (STATUS_LABELS[r.trigger.status as DocumentStatus] ?? r.trigger.status)
    : EVENT_LABELS[r.trigger.event];
}

function emailTo(r: Rule): Slot {
  const items: SafeHtml[] = [];
  if (r.recipients.assignee) items.push(html`<li>Assigned user/group</li>`);
  for (const a of r.recipients.addresses) items.push(html`<li>${a}</li>`);
  for (const x of r.recipients.roles) items.push(html`<li><span class="muted">role</span> ${x}</li>`);
  for (const f of r.recipients.fields) items.push(html`<li><span class="muted">field</span> ${f}</li>`);
  return html`<ul class="plain-list">${items}</ul>`;
}

function delayText(r: Rule): Slot {
  const d = r.delay.kind === 'elapsed' && r.delay.ms === 0 ? 'Immediately' : formatDuration(r.delay);
  return html`${d}${r.repeat ? html`<br><span class="muted">repeat every ${formatDuration(r.repeat.interval)}, ≤ ${r.repeat.maxCount}×</span>` : ''}`;
}

const priorityTone = { low: 'neutral', medium: 'info', high: 'warn' } as const;

function ruleRow(r: Rule, c: AdminCtx): SafeHtml {
  const id = encodeURIComponent(r.id);
  return html`<tr${attrs({ class: r.active ? undefined : 'inactive' })}>
<th scope="row"><a href="/admin/rules/${id}">${r.name}</a></th>
<td>${r.documentType ?? html`<span class="muted">Every type</span>`}</td>
<td>${triggerLabel(r)}</td>
<td>${badge(r.priority[0].toUpperCase() + r.priority.slice(1), priorityTone[r.priority])}</td>
<td>${delayText(r)}</td>
<td>${emailTo(r)}</td>
<td>${r.active ? badge('Active', 'ok') : badge('Inactive', 'neutral')}</td>
<td class="row-actions">
  <a class="btn btn-small btn-secondary" href="/admin/rules/${id}" aria-label="Edit ${r.name}">Edit</a>
  <form method="post" action="/admin/rules/${id}/active" class="inline">
    ${csrfField(c)}<input type="hidden" name="active" value="${r.active ? 'false' : 'true'}"><input type="hidden" name="return" value="${c.url}">
    <button class="btn btn-small btn-secondary" type="submit" aria-label="${r.active ? 'Deactivate' : 'Activate'} ${r.name}">${r.active ? 'Deactivate' : 'Activate'}</button>
  </form>
  <a class="btn btn-small btn-secondary" href="/admin/rules/${id}/log" aria-label="Logs of ${r.name}">Logs</a>
  <a class="btn btn-small btn-ghost-danger" href="/admin/rules/${id}/delete" aria-label="Delete ${r.name}">Delete</a>
</td>
</tr>`;
}

/** Registers the rule pages on the (signed-in) admin scope. */
export function registerRules(app: FastifyInstance, env: AdminEnv): void {
  const { stores, client, log } = env.deps;

  /** Running workflows re-read the rules (changes apply to emails not yet sent). Failures are logged, not shown. */
  const rulesChanged = async (tenantId: string) => {
    try {
      await client.notifyRulesChanged(tenantId);
    } catch (e) {
      log.warn({ err: e, tenantId }, 'could not notify running workflows of the rule change');
    }
  };

  async function formData(tenant: string) {
    const [templates, rules, settings, users] = await Promise.all([
      stores.templates.list(tenant),
      stores.rules.list(tenant),
      stores.tenants.get(tenant),
      stores.directory.listUsers(tenant),
    ]);
    return {
      templateNames: [...new Set(templates.map((t) => t.name))].sort(),
      documentTypes: [...new Set([...COMMON_TYPES, ...rules.map((r) => r.documentType ?? '').filter(Boolean)])].sort(),
      calendars: Object.keys(settings.calendars ?? {}).sort(),
      roles: [...new Set(users.flatMap((u) => u.roles))].sort(),
    };
  }

  async function formPage(
    c: AdminCtx,
    opts: { rule?: Rule; values: FormValues; errors: FieldErrors; focus?: string },
  ): Promise<SafeHtml> {
    const title = opts.rule ? `Edit rule “${opts.rule.name}”` : 'New rule';
    return page(c, {
      title,
      section: 'rules',
      crumbs: [{ href: '/admin/rules', label: 'Rules' }],
      actions: opts.rule
        ? html`<a class="btn btn-secondary" href="/admin/rules/${encodeURIComponent(opts.rule.id)}/log">Logs</a>`
        : '',
      body: ruleForm({
        action: opts.rule ? `/admin/rules/${encodeURIComponent(opts.rule.id)}` : '/admin/rules',
        csrf: c.csrf,
        values: opts.values,
        errors: opts.errors,
        focus: opts.focus,
        submitLabel: opts.rule ? 'Save rule' : 'Create rule',
        cancelHref: '/admin/rules',
        ...(await formData(c.tenant)),
      }),
    });
  }

  /** Handles a posted form: add/remove an escalation row, or validate and save. */
  async function handlePost(
    c: AdminCtx,
    body: unknown,
    rule: Rule | undefined,
  ): Promise<{ page: SafeHtml; status: number } | { saved: Rule }> {
    let values = formValues(body);
    const op = str(body, '_op') || 'save';
    delete values._op;
    if (op === 'add-level') {
      values = addLevel(values);
      const n = Object.keys(values).filter((k) => /^escalation\.\d+\.template$/.test(k)).length;
      return { page: await formPage(c, { rule, values, errors: {}, focus: `escalation.${n - 1}.after` }), status: 200 };
    }
    const remove = /^remove-level:(\d+)$/.exec(op);
    if (remove)
      return {
        page: await formPage(c, { rule, values: removeLevel(values, Number(remove[1])), errors: {} }),
        status: 200,
      };

    const v = validateRuleForm(values, c.tenant);
    if (!v.ok) return { page: await formPage(c, { rule, values, errors: v.errors }), status: 400 };
    try {
      const saved = rule ? await stores.rules.update(c.tenant, rule.id, v.input) : await stores.rules.create(v.input);
      await auditChange(c, env, {
        action: rule ? 'rule.update' : 'rule.create',
        entity: 'rule',
        entityId: saved.id,
        before: rule,
        after: saved,
      });
      await rulesChanged(c.tenant);
      return { saved };
    } catch (e) {
      // A duplicate name (the schema already passed, so little else can be refused here).
      if (e instanceof ConflictError || e instanceof ValidationError) {
        return {
          page: await formPage(c, { rule, values, errors: storeErrorToFields(e.message) }),
          status: e instanceof ConflictError ? 409 : 400,
        };
      }
      throw e;
    }
  }

  app.get('/rules', async (req, reply) => {
    const c = ctx(req);
    const type = q(req, 'type');
    const status = q(req, 'status');
    const active = q(req, 'active');
    const all = await stores.rules.list(c.tenant);
    const rules = await stores.rules.list(c.tenant, {
      documentType: type === '' ? undefined : type === '*' ? '' : type,
      status: status || undefined,
      active: active === 'true' ? true : active === 'false' ? false : undefined,
    });
    const types = [...new Set(all.map((r) => r.documentType).filter((t): t is string => !!t))].sort();
    const filtered = !!(type || status || active);
    const sel = (name: string, current: string, options: { value: string; label: string }[]) =>
      html`<select id="flt-${name}" name="${name}">${options.map((o) => html`<option${attrs({ value: o.value, selected: o.value === current })}>${o.label}</option>`)}</select>`;
    const filters = html`<form method="get" action="/admin/rules" class="filters" role="search" aria-label="Filter rules">
  <div class="filter"><label for="flt-type">Document type</label>${sel('type', type, [{ value: '', label: 'Any' }, { value: '*', label: 'Every type (no type set)' }, ...types.map((t) => ({ value: t, label: t }))])}</div>
  <div class="filter"><label for="flt-status">Status / event</label>${sel('status', status, [{ value: '', label: 'Any' }, ...STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] })), ...EVENT_TRIGGERS.map((e) => ({ value: `event:${e}`, label: `Event: ${EVENT_LABELS[e]}` }))])}</div>
  <div class="filter"><label for="flt-active">State</label>${sel('active', active, [
    { value: '', label: 'Any' },
    { value: 'true', label: 'Active' },
    { value: 'false', label: 'Inactive' },
  ])}</div>
  <div class="filter filter-buttons"><button class="btn btn-secondary" type="submit">Filter</button>${filtered ? html`<a class="btn btn-ghost" href="/admin/rules">Reset</a>` : ''}</div>
</form>`;
    const body =
      all.length === 0
        ? emptyState(
            'No rules yet',
            html`Rules decide who hears about a document and when. <a href="/admin/rules/new">Create the first rule</a>.`,
          )
        : html`${filters}${
            rules.length === 0
              ? emptyState('No rules match these filters', html`<a href="/admin/rules">Show every rule</a>`)
              : table(
                  `Notification rules of tenant ${c.tenant}${filtered ? ' (filtered)' : ''}`,
                  ['Name', 'Document type', 'Status', 'Priority', 'Delay', 'Email to', 'Active', 'Actions'],
                  rules.map((r) => ruleRow(r, c)),
                  { id: 'rules-table' },
                )
          }`;
    return sendHtml(
      reply,
      page(c, {
        title: 'Notification rules',
        section: 'rules',
        actions: html`<a class="btn btn-primary" href="/admin/rules/new">New rule</a>`,
        body: html`<p class="lead">When a document stays in a status (or an event happens), a rule emails the right people, reminds them and escalates.</p>${body}`,
      }),
    );
  });

  app.get('/rules/new', async (req, reply) =>
    sendHtml(reply, await formPage(ctx(req), { values: ruleToValues(), errors: {} })),
  );

  app.post('/rules', async (req, reply) => {
    const c = ctx(req);
    const r = await handlePost(c, req.body, undefined);
    if ('saved' in r)
      return redirect(reply, env, '/admin/rules', { kind: 'ok', text: `Rule “${r.saved.name}” created.` });
    return sendHtml(reply, r.page, r.status);
  });

  app.get<{ Params: { id: string } }>('/rules/:id', async (req, reply) => {
    const c = ctx(req);
    const rule = await stores.rules.get(c.tenant, req.params.id);
    return sendHtml(reply, await formPage(c, { rule, values: ruleToValues(rule), errors: {} }));
  });

  app.post<{ Params: { id: string } }>('/rules/:id', async (req, reply) => {
    const c = ctx(req);
    const rule = await stores.rules.get(c.tenant, req.params.id);
    const r = await handlePost(c, req.body, rule);
    if ('saved' in r)
      return redirect(reply, env, '/admin/rules', { kind: 'ok', text: `Rule “${r.saved.name}” saved.` });
    return sendHtml(reply, r.page, r.status);
  });

  app.post<{ Params: { id: string } }>('/rules/:id/active', async (req, reply) => {
    const c = ctx(req);
    const active = str(req.body, 'active') === 'true';
    const rule = await stores.rules.setActive(c.tenant, req.params.id, active);
    await auditChange(c, env, {
      action: active ? 'rule.activate' : 'rule.deactivate',
      entity: 'rule',
      entityId: rule.id,
      after: rule,
    });
    await rulesChanged(c.tenant);
    const back = str(req.body, 'return');
    return redirect(reply, env, /^\/admin\/rules(\?|$)/.test(back) ? back : '/admin/rules', {
      kind: 'ok',
      text: `Rule “${rule.name}” ${active ? 'activated' : 'deactivated'}.`,
    });
  });

  app.get<{ Params: { id: string } }>('/rules/:id/delete', async (req, reply) => {
    const c = ctx(req);
    const rule = await stores.rules.get(c.tenant, req.params.id);
    return sendHtml(
      reply,
      page(c, {
        title: `Delete rule “${rule.name}”?`,
        section: 'rules',
        crumbs: [{ href: '/admin/rules', label: 'Rules' }],
        body: html`<div class="card confirm">
  <p>The rule <strong>${rule.name}</strong> (${triggerLabel(rule)}${rule.documentType ? `, ${rule.documentType}` : ''}) will be deleted.
  Emails it has not sent yet, also for documents already waiting, will not be sent. Its log entries stay.</p>
  <p>To stop it for a while instead, <em>deactivate</em> it.</p>
  <form method="post" action="/admin/rules/${encodeURIComponent(rule.id)}/delete" class="form-actions">
    ${csrfField(c)}
    <button class="btn btn-danger" type="submit" autofocus>Delete rule</button>
    <a class="btn btn-secondary" href="/admin/rules">Cancel</a>
  </form>
</div>`,
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/rules/:id/delete', async (req, reply) => {
    const c = ctx(req);
    const rule = await stores.rules.get(c.tenant, req.params.id).catch((e: unknown) => {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    });
    if (!rule) return redirect(reply, env, '/admin/rules', { kind: 'info', text: 'That rule was already deleted.' });
    await stores.rules.remove(c.tenant, rule.id);
    await auditChange(c, env, { action: 'rule.delete', entity: 'rule', entityId: rule.id, before: rule });
    await rulesChanged(c.tenant);
    return redirect(reply, env, '/admin/rules', { kind: 'ok', text: `Rule “${rule.name}” deleted.` });
  });
}
