/**
 * Suppressions: addresses the tenant's emails are not sent to (a permanent 5.1.x failure, a bounce, or added here).
 * List, add, lift (with a confirmation page); every change is audited.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors';
import { auditChange, ctx, redirect, sendHtml, type AdminCtx, type AdminEnv } from './context';
import { errorSummary, formValues, mapIssues, textField, val, type FieldErrors, type FormValues } from './form';
import { html, type SafeHtml } from './html';
import { badge, csrfField, emptyState, page, table, time, type Tone } from './layout';
import type { Suppression } from '../../store/suppressions';

const LABELS: Record<string, string> = { email: 'Email', reason: 'Reason' };
const SOURCE_LABEL: Record<string, [string, Tone]> = {
  smtp: ['Mail server (5.1.x)', 'bad'],
  bounce: ['Bounce', 'warn'],
  admin: ['Administrator', 'neutral'],
};
const enc = encodeURIComponent;

function listPage(c: AdminCtx, rows: Suppression[], form: { values: FormValues; errors: FieldErrors }): SafeHtml {
  const body = rows.map(
    (s) => html`<tr>
<th scope="row"><span class="nowrap">${s.email}</span></th>
<td>${badge(...(SOURCE_LABEL[s.source] ?? [s.source, 'neutral']))}</td>
<td class="smtp"><code>${s.reason}</code></td>
<td>${time(s.createdAt)}</td>
<td class="row-actions"><a class="btn btn-small btn-ghost-danger" href="/admin/suppressions/lift?email=${enc(s.email)}" aria-label="Lift the suppression of ${s.email}">Lift</a></td>
</tr>`,
  );
  const common = { values: form.values, errors: form.errors };
  return page(c, {
    title: 'Suppressions',
    section: 'directory',
    crumbs: [{ href: '/admin/directory', label: 'Directory' }],
    body: html`<p class="lead">Addresses this tenant sends no email to. An address is suppressed when a mail server rejects it permanently (a 5xx reply with code 5.1.x, e.g. <code>550 5.1.1</code> user unknown) or when it is added here; later emails to it are logged <code>skipped: suppressed</code>. Lift a suppression once the address works again.</p>
<section aria-labelledby="h-suppressed"><h2 id="h-suppressed">Suppressed addresses <span class="count">${rows.length}</span></h2>
${rows.length ? table('Suppressed addresses', ['Email', 'Source', 'Reason', 'Since', 'Actions'], body, { captionHidden: true }) : emptyState('No suppressed addresses', 'Every address of this tenant gets its emails.')}
</section>
<section aria-labelledby="h-add"><h2 id="h-add">Suppress an address</h2>
<form method="post" action="/admin/suppressions" class="card" novalidate>
${csrfField(c)}
${errorSummary(form.errors, LABELS)}
<div class="grid grid-2">
  ${textField({ ...common, name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'off', spellcheck: false })}
  ${textField({ ...common, name: 'reason', label: 'Reason', hint: 'Why no email should go to it, e.g. “left the company”' })}
</div>
<div class="form-actions"><button class="btn btn-primary" type="submit">Suppress</button></div>
</form>
</section>`,
  });
}

function confirmLift(c: AdminCtx, s: Suppression): SafeHtml {
  return page(c, {
    title: `Lift the suppression of ${s.email}?`,
    section: 'directory',
    crumbs: [
      { href: '/admin/directory', label: 'Directory' },
      { href: '/admin/suppressions', label: 'Suppressions' },
    ],
    body: html`<p>Emails to <strong>${s.email}</strong> will be sent again. It was suppressed because: <code>${s.reason}</code></p>
<form method="post" action="/admin/suppressions/lift" class="form-actions">${csrfField(c)}<input type="hidden" name="email" value="${s.email}"><button class="btn btn-danger" type="submit" autofocus>Lift suppression</button><a class="btn btn-secondary" href="/admin/suppressions">Cancel</a></form>`,
  });
}

export function registerSuppressions(app: FastifyInstance, env: AdminEnv): void {
  const { stores } = env.deps;

  app.get('/suppressions', async (req, reply) => {
    const c = ctx(req);
    return sendHtml(reply, listPage(c, await stores.suppressions.list(c.tenant), { values: {}, errors: {} }));
  });

  app.post('/suppressions', async (req, reply) => {
    const c = ctx(req);
    const values = formValues(req.body);
    try {
      const { suppression, created } = await stores.suppressions.add(c.tenant, {
        email: val(values, 'email'),
        reason: val(values, 'reason') || undefined,
        source: 'admin',
      });
      if (!created)
        return redirect(reply, env, '/admin/suppressions', {
          kind: 'info',
          text: `${suppression.email} was already suppressed.`,
        });
      await auditChange(c, env, {
        action: 'suppression.add',
        entity: 'suppression',
        entityId: suppression.email,
        after: suppression,
      });
      return redirect(reply, env, '/admin/suppressions', { kind: 'ok', text: `${suppression.email} suppressed.` });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const errors = mapIssues(
        e.issues.map((i) => ({ path: i.path ? i.path.split('.') : [], message: i.message })),
        Object.keys(LABELS),
      );
      return sendHtml(reply, listPage(c, await stores.suppressions.list(c.tenant), { values, errors }), 400);
    }
  });

  app.get('/suppressions/lift', async (req, reply) => {
    const c = ctx(req);
    const email = String((req.query as { email?: unknown }).email ?? '');
    const s = email ? await stores.suppressions.get(c.tenant, email) : undefined;
    if (!s) return redirect(reply, env, '/admin/suppressions', { kind: 'error', text: `${email} is not suppressed.` });
    return sendHtml(reply, confirmLift(c, s));
  });

  app.post('/suppressions/lift', async (req, reply) => {
    const c = ctx(req);
    const email = val(formValues(req.body), 'email');
    const lifted = email ? await stores.suppressions.lift(c.tenant, email) : undefined;
    if (!lifted)
      return redirect(reply, env, '/admin/suppressions', { kind: 'info', text: `${email} is not suppressed.` });
    await auditChange(c, env, {
      action: 'suppression.lift',
      entity: 'suppression',
      entityId: lifted.email,
      before: lifted,
    });
    return redirect(reply, env, '/admin/suppressions', {
      kind: 'ok',
      text: `Suppression of ${lifted.email} lifted: it gets emails again.`,
    });
  });
}
