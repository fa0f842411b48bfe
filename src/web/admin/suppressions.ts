/**
 * Suppressions: addresses the tenant's emails are not sent to (a permanent 5.1.x failure, a bounce, or added here).
 * List, add, lift (with a confirmation page); every change is audited.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors';
import { auditChange, ctx, redirect, sendHtml, type AdminEnv } from './context';
import { formValues, mapIssues, val } from './form';
import { renderLiftPage, renderSuppressionsPage, SUPPRESSION_LABELS } from './views/suppressions';

const LIST = '/admin/suppressions';

/** `POST /admin/suppressions`: suppresses an address; a refused one shows the list again with the errors. */
async function addSuppression(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const { stores } = env.deps;
  const c = ctx(req);
  const values = formValues(req.body);
  try {
    const { suppression, created } = await stores.suppressions.add(c.tenant, {
      email: val(values, 'email'),
      reason: val(values, 'reason') || undefined,
      source: 'admin',
    });
    if (!created)
      return redirect(reply, env, LIST, { kind: 'info', text: `${suppression.email} was already suppressed.` });
    await auditChange(c, env, {
      action: 'suppression.add',
      entity: 'suppression',
      entityId: suppression.email,
      after: suppression,
    });
    return redirect(reply, env, LIST, { kind: 'ok', text: `${suppression.email} suppressed.` });
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const issues = err.issues.map((issue) => ({
      path: issue.path ? issue.path.split('.') : [],
      message: issue.message,
    }));
    const errors = mapIssues(issues, Object.keys(SUPPRESSION_LABELS));
    const suppressions = await stores.suppressions.list(c.tenant);
    return sendHtml(reply, renderSuppressionsPage({ ctx: c, suppressions, form: { values, errors } }), 400);
  }
}

/** `POST /admin/suppressions/lift` (after the confirmation page). */
async function liftSuppression(req: FastifyRequest, reply: FastifyReply, env: AdminEnv): Promise<FastifyReply> {
  const c = ctx(req);
  const email = val(formValues(req.body), 'email');
  const lifted = email ? await env.deps.stores.suppressions.lift(c.tenant, email) : undefined;
  if (!lifted) return redirect(reply, env, LIST, { kind: 'info', text: `${email} is not suppressed.` });
  await auditChange(c, env, {
    action: 'suppression.lift',
    entity: 'suppression',
    entityId: lifted.email,
    before: lifted,
  });
  return redirect(reply, env, LIST, {
    kind: 'ok',
    text: `Suppression of ${lifted.email} lifted: it gets emails again.`,
  });
}

/** Registers the suppression pages on the (signed-in) admin scope. */
export function registerSuppressions(app: FastifyInstance, env: AdminEnv): void {
  const { stores } = env.deps;

  app.get('/suppressions', async (req, reply) => {
    const c = ctx(req);
    const suppressions = await stores.suppressions.list(c.tenant);
    return sendHtml(reply, renderSuppressionsPage({ ctx: c, suppressions, form: { values: {}, errors: {} } }));
  });
  app.post('/suppressions', async (req, reply) => addSuppression(req, reply, env));

  app.get('/suppressions/lift', async (req, reply) => {
    const c = ctx(req);
    const email = String((req.query as { email?: unknown }).email ?? '');
    const suppression = email ? await stores.suppressions.get(c.tenant, email) : undefined;
    if (!suppression) return redirect(reply, env, LIST, { kind: 'error', text: `${email} is not suppressed.` });
    return sendHtml(reply, renderLiftPage(c, suppression));
  });
  app.post('/suppressions/lift', async (req, reply) => liftSuppression(req, reply, env));
}
