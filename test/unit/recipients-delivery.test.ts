import { afterSmtpFailure, linkActionsFor, offersLinks, suppressesAddress } from '../../src/domain/delivery';
import { alertRecipients, dedupeRecipients, recipientPlan } from '../../src/domain/recipients';
import { applyEscalation, initialState } from '../../src/domain/document';
import { ruleInputSchema } from '../../src/domain/rules';

const rule = ruleInputSchema.parse({
  name: 'Approval',
  trigger: { status: 'pending_approval' },
  recipients: { assignee: true, addresses: ['fixed@example.com'], roles: ['ap'], fields: ['approver_email', 'note'] },
  escalation: [
    { after: '1d', manager: true, roles: ['lead'], addresses: ['boss@example.com'], reassignTo: 'deputy' },
    { after: '2d', addresses: ['cfo@example.com'] },
  ],
  actions: ['approve', 'reject'],
});
const doc = { assignee: 'ana', fields: { approver_email: ' Bo@Example.com ', note: 'not an address' } };

describe('recipientPlan', () => {
  it("a rule's recipients: assignee, fixed addresses, roles, then address fields (trimmed, addresses only)", () => {
    expect(recipientPlan(rule, { kind: 'reminder', seq: 1 }, doc)).toEqual({
      lookups: [
        { by: 'name', who: 'ana' },
        { by: 'address', email: 'fixed@example.com' },
        { by: 'role', role: 'ap' },
        { by: 'name', who: 'Bo@Example.com' },
      ],
    });
  });
  it('an escalation: the manager, the roles, the addresses of the level, and whom it reassigns to', () => {
    expect(recipientPlan(rule, { kind: 'escalation', seq: 1 }, doc)).toEqual({
      lookups: [
        { by: 'manager', of: 'ana' },
        { by: 'role', role: 'lead' },
        { by: 'address', email: 'boss@example.com' },
      ],
      reassignTo: 'deputy',
    });
    expect(recipientPlan(rule, { kind: 'escalation', seq: 1 }, { fields: {} }).lookups[0]).toEqual({
      by: 'role',
      role: 'lead',
    });
  });
  it('a level that no longer exists is skipped, naming it', () => {
    expect(recipientPlan(rule, { kind: 'escalation', seq: 3 }, doc)).toEqual({
      lookups: [],
      skipped: 'escalation level 3 no longer exists',
    });
  });
  it('a reassignment notice goes to the new assignee only; none without one', () => {
    expect(recipientPlan(rule, { kind: 'reassignment', seq: 0 }, doc).lookups).toEqual([{ by: 'name', who: 'ana' }]);
    expect(recipientPlan(rule, { kind: 'reassignment', seq: 0 }, { fields: {} }).lookups).toEqual([]);
  });
  it('dedupes addresses case-insensitively, keeping the first', () => {
    const out = dedupeRecipients([
      { email: 'A@x.org', name: 'first' },
      { email: 'a@X.org', name: 'second' },
      { email: 'b@x.org' },
    ]);
    expect(out).toEqual([{ email: 'A@x.org', name: 'first' }, { email: 'b@x.org' }]);
  });
});

describe('links', () => {
  it("the rule's actions on emails that ask to act; none on escalations, confirmations, events", () => {
    for (const k of ['first', 'reminder', 'reassignment', 'due_soon', 'overdue'])
      expect(linkActionsFor(k, rule)).toEqual(['approve', 'reject']);
    for (const k of ['escalation', 'decision', 'event']) expect(linkActionsFor(k, rule)).toEqual([]);
    expect(linkActionsFor('first', undefined)).toEqual([]);
  });
  it('only with a signing key, for an open, undecided task', () => {
    expect(offersLinks(true, { task: { id: 't' } })).toBe(true);
    expect(offersLinks(false, { task: { id: 't' } })).toBe(false);
    expect(offersLinks(true, {})).toBe(false);
    expect(offersLinks(true, { task: { id: 't' }, decision: { action: 'approve' } })).toBe(false);
  });
});

describe('afterSmtpFailure', () => {
  const base = { retryForMs: 60_000, retryFor: '1m', kind: 'first', reply: {} };
  it('retries a temporary failure within the budget, fails it after', () => {
    expect(afterSmtpFailure({ ...base, smtpClass: 'temporary', elapsedMs: 59_999 })).toEqual({ action: 'retry' });
    expect(afterSmtpFailure({ ...base, smtpClass: 'temporary', elapsedMs: undefined })).toEqual({ action: 'retry' });
    expect(afterSmtpFailure({ ...base, smtpClass: 'temporary', elapsedMs: 60_000 })).toEqual({
      action: 'fail',
      reason: 'temporary SMTP failures for longer than 1m',
      alertAdmins: false,
      suppress: false,
    });
  });
  it('fails a permanent one at once, alerts (not for an alert), suppresses only a bad address (5.1.x)', () => {
    const unknown = { responseCode: 550, response: '550 5.1.1 <x@y>: user unknown' };
    const full = { responseCode: 552, response: '552 5.2.2 mailbox full' };
    expect(afterSmtpFailure({ ...base, smtpClass: 'permanent', elapsedMs: 0, reply: unknown })).toEqual({
      action: 'fail',
      reason: 'permanent SMTP failure',
      alertAdmins: true,
      suppress: true,
    });
    expect(afterSmtpFailure({ ...base, smtpClass: 'permanent', elapsedMs: 0, reply: full })).toMatchObject({
      suppress: false,
      alertAdmins: true,
    });
    expect(
      afterSmtpFailure({ ...base, kind: 'smtp_failure_alert', smtpClass: 'permanent', elapsedMs: 0, reply: full }),
    ).toMatchObject({ alertAdmins: false });
  });
  it('reads the enhanced code of the reply', () => {
    expect(suppressesAddress({ responseCode: 553, response: '553-5.1.3 bad address syntax' })).toBe(true);
    expect(suppressesAddress({ responseCode: 550, response: '550 5.7.1 policy' })).toBe(false);
    expect(suppressesAddress({ responseCode: 450, response: '450 5.1.1 later' })).toBe(false);
    expect(suppressesAddress({})).toBe(false);
  });
});

describe('applyEscalation', () => {
  it('raises the level, never lowers it; a reassigning level hands the task on and moves its version', () => {
    const s = initialState('t', 'd', 'invoice');
    s.assignee = 'ana';
    s.task = { id: 'task-1', version: 1, recipients: [], openedAt: 0 } as unknown as typeof s.task;
    applyEscalation(s, 2, 'deputy', 1000);
    expect(s.escalationLevel).toBe(2);
    expect(s.assignee).toBe('deputy');
    expect(s.task!.version).toBe(2);
    applyEscalation(s, 1, 'deputy', 2000);
    expect(s.escalationLevel).toBe(2);
    expect(s.task!.version).toBe(2); // already theirs: no second hand-over
    expect(s.history.map((h) => h.text)).toEqual([
      'escalation level 2',
      'reassigned to deputy by escalation',
      'escalation level 1',
    ]);
  });
});

describe('alertRecipients', () => {
  it('takes the admin addresses, then the directory admins, each address once (any case)', () => {
    const directoryAdmins = [{ email: 'OPS@acme.example', userId: 'ops' }, { email: 'lead@acme.example' }];
    expect(alertRecipients(['ops@acme.example', 'cfo@acme.example'], directoryAdmins)).toEqual([
      { email: 'ops@acme.example' },
      { email: 'cfo@acme.example' },
      { email: 'lead@acme.example' },
    ]);
  });

  it('never alerts the address the problem is about', () => {
    expect(alertRecipients(['cfo@acme.example', 'ops@acme.example'], [], 'CFO@acme.example')).toEqual([
      { email: 'ops@acme.example' },
    ]);
  });

  it('is empty when the tenant has no administrators', () => {
    expect(alertRecipients([], [])).toEqual([]);
  });
});
