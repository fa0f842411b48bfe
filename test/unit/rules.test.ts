import { describeIssues } from '../../src/domain/events';
import { appliesToType, firstTemplate } from '../../src/domain/plan';
import { ruleInputSchema, type RuleInput } from '../../src/domain/rules';

const ok = (input: Partial<RuleInput>) =>
  ruleInputSchema.parse({ name: 'Approval reminder', trigger: { status: 'pending_approval' }, ...input });
/** The edge's message ("field: problem; ...") for an input the schema must refuse. */
function refused(input: Record<string, unknown>): string {
  const r = ruleInputSchema.safeParse({ name: 'Approval reminder', trigger: { status: 'pending_approval' }, ...input });
  if (r.success) throw new Error(`accepted: ${JSON.stringify(input)}`);
  return describeIssues(r.error);
}

describe('ruleInputSchema: accepted forms', () => {
  it('fills documented defaults', () => {
    expect(ok({})).toEqual({
      name: 'Approval reminder',
      active: true,
      tenantId: 'default',
      documentType: null,
      trigger: { status: 'pending_approval' },
      priority: 'medium',
      delay: { kind: 'elapsed', ms: 0 },
      repeat: null,
      recipients: { assignee: true, addresses: [], roles: [], fields: [] },
      resendOnReassignment: false,
      reminderTemplate: 'reminder',
      reminderDelivery: 'immediate',
      actions: [],
      escalation: [],
      dueReminders: null,
      calendar: null,
    });
  });

  it.each([
    ['90s', { kind: 'elapsed', ms: 90_000 }],
    ['PT90S', { kind: 'elapsed', ms: 90_000 }],
    ['5m', { kind: 'elapsed', ms: 300_000 }],
    ['P3D', { kind: 'elapsed', ms: 3 * 86_400_000 }],
    [90_000, { kind: 'elapsed', ms: 90_000 }],
    ['3 business days', { kind: 'business', unit: 'days', amount: 3 }],
    [{ businessDays: 3 }, { kind: 'business', unit: 'days', amount: 3 }],
    [{ businessHours: 4 }, { kind: 'business', unit: 'hours', amount: 4 }],
  ])('delay %j', (delay, expected) => {
    expect(ok({ delay: delay as RuleInput['delay'] }).delay).toEqual(expected);
  });

  it('a complete rule: repeat, recipients, escalation ladder, due-date reminders, calendar', () => {
    const r = ok({
      documentType: 'invoice',
      priority: 'high',
      delay: '1h',
      repeat: { interval: '1 business day', maxCount: 3 },
      recipients: { assignee: false, addresses: ['ap@example.com'], roles: ['controller'], fields: ['approver_email'] },
      resendOnReassignment: true,
      template: 'approval',
      actions: ['approve', 'reject', 'snooze', 'open'],
      escalation: [
        { after: '2 business days', manager: true },
        { afterReminders: 3, roles: ['cfo'], template: 'escalation_cfo', reassignTo: 'cfo-group' },
      ],
      dueReminders: { before: ['3d', '1d', '2h'], repeatOverdue: { interval: '1d', maxCount: 3 } },
      calendar: 'spain',
    });
    expect(r.repeat).toEqual({ interval: { kind: 'business', unit: 'days', amount: 1 }, maxCount: 3 });
    expect(r.escalation).toEqual([
      {
        after: { kind: 'business', unit: 'days', amount: 2 },
        manager: true,
        roles: [],
        addresses: [],
        template: 'escalation',
      },
      {
        afterReminders: 3,
        manager: false,
        roles: ['cfo'],
        addresses: [],
        template: 'escalation_cfo',
        reassignTo: 'cfo-group',
      },
    ]);
    expect(r.dueReminders).toEqual({
      before: [
        { kind: 'elapsed', ms: 3 * 86_400_000 },
        { kind: 'elapsed', ms: 86_400_000 },
        { kind: 'elapsed', ms: 7_200_000 },
      ],
      overdue: true,
      repeatOverdue: { interval: { kind: 'elapsed', ms: 86_400_000 }, maxCount: 3 },
    });
    expect(firstTemplate(r)).toBe('approval');
  });

  it('event triggers; empty document type means every type; template defaults', () => {
    const e = ok({ trigger: { event: 'comment_added' }, documentType: '' });
    expect(e.documentType).toBeNull();
    expect(firstTemplate(e)).toBe('comment_added');
    expect(firstTemplate(ok({ trigger: { status: 'on_hold' } }))).toBe('status_on_hold');
    expect(appliesToType(e, 'contract')).toBe(true);
    expect(appliesToType({ documentType: 'invoice' }, 'contract')).toBe(false);
    expect(appliesToType({ documentType: 'invoice' }, 'invoice')).toBe(true);
  });
});

describe('ruleInputSchema: refused input names the field', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['bad delay', { delay: 'soon' }, /^delay: "soon" is not a duration/],
    ['negative delay', { delay: -5 }, /^delay: must be a non-negative/],
    ['bad business delay', { delay: { businessDays: -1 } }, /^delay: business days must be a non-negative number/],
    ['empty name', { name: '  ' }, /^name: name must not be empty/],
    ['name with markup', { name: '<b>x</b>' }, /^name: name may contain letters/],
    [
      'unknown status in trigger',
      { trigger: { status: 'archived' } },
      /^trigger: unknown status "archived" \(expected one of received, .*deleted\)$/,
    ],
    [
      'unknown event trigger',
      { trigger: { event: 'exploded' } },
      /^trigger: event must be one of assigned, comment_added$/,
    ],
    [
      'trigger of neither shape',
      { trigger: { status: 'on_hold', event: 'assigned' } },
      /^trigger: trigger must be \{ "status"/,
    ],
    [
      'escalation with both after and afterReminders',
      { repeat: { interval: '1h', maxCount: 3 }, escalation: [{ after: '1h', afterReminders: 2, manager: true }] },
      /^escalation\.0: give exactly one of "after" or "afterReminders"$/,
    ],
    ['escalation with neither', { escalation: [{ manager: true }] }, /^escalation\.0: give exactly one/],
    [
      'afterReminders without repeat',
      { escalation: [{ afterReminders: 2, manager: true }] },
      /^escalation\.0\.afterReminders: needs "repeat" on the rule/,
    ],
    [
      'afterReminders beyond maxCount',
      { repeat: { interval: '1h', maxCount: 2 }, escalation: [{ afterReminders: 3, manager: true }] },
      /^escalation\.0\.afterReminders: must be at most repeat\.maxCount \(2\)/,
    ],
    [
      'escalation without recipients',
      { escalation: [{ after: '1h' }] },
      /^escalation\.0: an escalation level needs recipients/,
    ],
    ['no recipients', { recipients: { assignee: false } }, /^recipients: choose at least one recipient/],
    [
      'bad address',
      { recipients: { addresses: ['not-an-address'] } },
      /^recipients\.addresses\.0: "not-an-address" is not an email address/,
    ],
    ['unknown recipient key', { recipients: { manager: true } }, /^recipients: Unrecognized key: "manager"/],
    [
      'repeat interval under a second',
      { repeat: { interval: '500ms', maxCount: 3 } },
      /^repeat\.interval: must be at least 1 second$/,
    ],
    [
      'zero business repeat interval',
      { repeat: { interval: '0 business days', maxCount: 3 } },
      /^repeat\.interval: must be at least 1 second$/,
    ],
    ['maxCount 0', { repeat: { interval: '1h', maxCount: 0 } }, /^repeat\.maxCount: maxCount must be at least 1$/],
    ['bad priority', { priority: 'urgent' }, /^priority: priority must be low, medium or high$/],
    ['unknown action', { actions: ['delete'] }, /^actions\.0: /],
    [
      'due reminders on an event rule',
      { trigger: { event: 'assigned' }, dueReminders: { before: ['1d'] } },
      /^dueReminders: due-date reminders need a status trigger$/,
    ],
    [
      'business due offset',
      { dueReminders: { before: ['1d', '2 business days'] } },
      /^dueReminders\.before\.1: must be an elapsed duration/,
    ],
    [
      'zero overdue interval',
      { dueReminders: { repeatOverdue: { interval: '0s', maxCount: 2 } } },
      /^dueReminders\.repeatOverdue\.interval: must be at least 1 second$/,
    ],
    ['bad template name', { template: 'Approval Mail!' }, /^template: must be a template name/],
    ['unknown top-level key', { colour: 'red' }, /^\(input\): Unrecognized key: "colour"$/],
  ])('%s', (_name, input, message) => {
    expect(refused(input)).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(
      refused({ name: '', delay: 'x', recipients: { assignee: false } })
        .split('; ')
        .map((m) => m.split(':')[0]),
    ).toEqual(expect.arrayContaining(['name', 'delay']));
  });
});
