/** Rules: list with filters, create/edit form, activate/deactivate, delete with a confirmation page. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Rule } from '../../domain/rules';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import { auditChange, ctx, q, redirect, sendHtml, str, type AdminCtx, type AdminEnv } from './context';
import type { FieldErrors, FormValues } from './form';
import { readRuleForm, ruleToValues, storeErrorToFields, validateRuleForm } from './rule-form';
import { renderDeleteRulePage, renderRuleFormPage, renderRulesPage, type RuleFilters } from './views/rules';

export { triggerLabel } from './rule-labels';

/** Document types offered in the rule form besides those already used. */
const COMMON_TYPES = ['invoice', 'credit_note', 'order', 'delivery_note', 'contract'];

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** A form page to answer again (with its errors), or the rule saved. */
type PostOutcome = { page: string; status: number } | { saved: Rule };

/** Running workflows re-read the rules (changes apply to emails not yet sent). Failures are logged, not shown. */
async function rulesChanged(env: AdminEnv, tenantId: string): Promise<void> {
  try {
    await env.deps.client.notifyRulesChanged(tenantId);
  } catch (err) {
    env.deps.log.warn({ err, tenantId }, 'could not notify running workflows of the rule change');
  }
}

/** The suggestions of the rule form: template names, document types, calendars and roles of the tenant. */
async function suggestions(env: AdminEnv, tenant: string) {
  const { stores } = env.deps;
  const [templates, rules, settings, users] = await Promise.all([
    stores.templates.list(tenant),
    stores.rules.list(tenant),
    stores.tenants.get(tenant),
    stores.directory.listUsers(tenant),
  ]);
  const usedTypes = rules.map((rule) => rule.documentType ?? '').filter(Boolean);
  return {
    templateNames: [...new Set(templates.map((template) => template.name))].sort(),
    documentTypes: [...new Set([...COMMON_TYPES, ...usedTypes])].sort(),
    calendars: Object.keys(settings.calendars ?? {}).sort(),
    roles: [...new Set(users.flatMap((user) => user.roles))].sort(),
  };
}

/** The create (`rule` undefined) or edit page with these values and errors. */
async function formPage(
  env: AdminEnv,
  c: AdminCtx,
  form: { rule?: Rule; values: FormValues; errors: FieldErrors; focus?: string },
): Promise<string> {
  const { rule } = form;
  return renderRuleFormPage(c, rule, {
    action: rule ? `/admin/rules/${encodeURIComponent(rule.id)}` : '/admin/rules',
    csrf: c.csrf,
    values: form.values,
    errors: form.errors,
    focus: form.focus,
    submitLabel: rule ? 'Save rule' : 'Create rule',
    cancelHref: '/admin/rules',
    ...(await suggestions(env, c.tenant)),
  });
}

/** Validates and stores the rule input; a duplicate name is shown beside its field. */
async function save(env: AdminEnv, c: AdminCtx, values: FormValues, rule: Rule | undefined): Promise<PostOutcome> {
  const { rules } = env.deps.stores;
  const valid = validateRuleForm(values, c.tenant);
  if (!valid.ok) return { page: await formPage(env, c, { rule, values, errors: valid.errors }), status: 400 };
  try {
    const saved = rule ? await rules.update(c.tenant, rule.id, valid.input) : await rules.create(valid.input);
    const action = rule ? 'rule.update' : 'rule.create';
    await auditChange(c, env, { action, entity: 'rule', entityId: saved.id, before: rule, after: saved });
    await rulesChanged(env, c.tenant);
    return { saved };
  } catch (err) {
    // A duplicate name (the schema already passed, so little else can be refused here).
    if (!(err instanceof ConflictError || err instanceof ValidationError)) throw err;
    const errors = storeErrorToFields(err.message);
    return { page: await formPage(env, c, { rule, values, errors }), status: err instanceof ConflictError ? 409 : 400 };
  }
}

/** Handles a posted form: add/remove an escalation row, or validate and save. */
async function handlePost(env: AdminEnv, c: AdminCtx, body: unknown, rule: Rule | undefined): Promise<PostOutcome> {
  const step = readRuleForm(body);
  if (step.kind === 'save') return save(env, c, step.values, rule);
  return { page: await formPage(env, c, { rule, values: step.values, errors: {}, focus: step.focus }), status: 200 };
}

/** `GET /admin/rules`: the list, filtered by type, status/event and state. */
async function listRules(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const filters: RuleFilters = { type: q(req, 'type'), status: q(req, 'status'), active: q(req, 'active') };
  const { type, status, active } = filters;
  const all = await env.deps.stores.rules.list(c.tenant);
  const rules = await env.deps.stores.rules.list(c.tenant, {
    documentType: type === '' ? undefined : type === '*' ? '' : type,
    status: status || undefined,
    active: active === 'true' ? true : active === 'false' ? false : undefined,
  });
  const types = [...new Set(all.map((rule) => rule.documentType).filter((name): name is string => !!name))].sort();
  return sendHtml(reply, renderRulesPage({ ctx: c, anyRule: all.length > 0, rules, filters, types }));
}

/** `POST /admin/rules` (create) and `POST /admin/rules/:id` (save). */
async function postRule(req: FastifyRequest, reply: FastifyReply, env: AdminEnv, rule?: Rule): Promise<FastifyReply> {
  const outcome = await handlePost(env, ctx(req), req.body, rule);
  if ('page' in outcome) return sendHtml(reply, outcome.page, outcome.status);
  const text = `Rule “${outcome.saved.name}” ${rule ? 'saved' : 'created'}.`;
  return redirect(reply, env, '/admin/rules', { kind: 'ok', text });
}

/** `POST /admin/rules/:id/active`: activates or deactivates, back to the list as filtered. */
async function setActive(req: IdRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const active = str(req.body, 'active') === 'true';
  const rule = await env.deps.stores.rules.setActive(c.tenant, req.params.id, active);
  const action = active ? 'rule.activate' : 'rule.deactivate';
  await auditChange(c, env, { action, entity: 'rule', entityId: rule.id, after: rule });
  await rulesChanged(env, c.tenant);
  const back = str(req.body, 'return');
  return redirect(reply, env, /^\/admin\/rules(\?|$)/.test(back) ? back : '/admin/rules', {
    kind: 'ok',
    text: `Rule “${rule.name}” ${active ? 'activated' : 'deactivated'}.`,
  });
}

/** `POST /admin/rules/:id/delete` (after the confirmation page). */
async function deleteRule(req: IdRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const rule = await env.deps.stores.rules.get(c.tenant, req.params.id).catch((err: unknown) => {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  });
  if (!rule) return redirect(reply, env, '/admin/rules', { kind: 'info', text: 'That rule was already deleted.' });
  await env.deps.stores.rules.remove(c.tenant, rule.id);
  await auditChange(c, env, { action: 'rule.delete', entity: 'rule', entityId: rule.id, before: rule });
  await rulesChanged(env, c.tenant);
  return redirect(reply, env, '/admin/rules', { kind: 'ok', text: `Rule “${rule.name}” deleted.` });
}

/** Registers the rule pages on the (signed-in) admin scope. */
export function registerRules(app: FastifyInstance, env: AdminEnv): void {
  const { rules } = env.deps.stores;
  app.get('/rules', async (req, reply) => listRules(req, reply, env));
  app.get('/rules/new', async (req, reply) =>
    sendHtml(reply, await formPage(env, ctx(req), { values: ruleToValues(), errors: {} })),
  );
  app.post('/rules', async (req, reply) => postRule(req, reply, env));
  app.get<{ Params: { id: string } }>('/rules/:id', async (req, reply) => {
    const c = ctx(req);
    const rule = await rules.get(c.tenant, req.params.id);
    return sendHtml(reply, await formPage(env, c, { rule, values: ruleToValues(rule), errors: {} }));
  });
  app.post<{ Params: { id: string } }>('/rules/:id', async (req, reply) =>
    postRule(req, reply, env, await rules.get(ctx(req).tenant, req.params.id)),
  );
  app.post<{ Params: { id: string } }>('/rules/:id/active', async (req, reply) => setActive(req, reply, env));
  app.get<{ Params: { id: string } }>('/rules/:id/delete', async (req, reply) => {
    const c = ctx(req);
    return sendHtml(reply, renderDeleteRulePage(c, await rules.get(c.tenant, req.params.id)));
  });
  app.post<{ Params: { id: string } }>('/rules/:id/delete', async (req, reply) => deleteRule(req, reply, env));
}
