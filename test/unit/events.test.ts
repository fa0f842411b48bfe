import { describeIssues, documentEventSchema, parseEvent, ValidationError, workflowIdFor } from '../../src/domain/events';

const common = { eventId: 'evt-1', occurredAt: '2026-11-29T10:00:00+01:00', documentId: 'INV-2026-0001' };
const good = { ...common, type: 'status_changed', status: 'pending_approval' };

/** The message parseEvent throws for a payload (fails the test if it is accepted). */
function refused(input: unknown): ValidationError {
  try {
    parseEvent(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error(`accepted: ${JSON.stringify(input)}`);
}

describe('parseEvent: accepted events', () => {
  it('normalizes occurredAt to UTC, fills the tenant and leaves an absent type absent', () => {
    expect(parseEvent(good)).toEqual({ ...good, occurredAt: '2026-11-29T09:00:00.000Z', tenantId: 'default' });
  });

  it.each([
    { type: 'status_changed', status: 'error', reason: 'OCR failed', errorMessage: 'timeout', actor: 'ocr-service' },
    { type: 'assigned', assignee: 'jane.doe@example.com' },
    { type: 'assigned', assignee: 'group:ap-clerks' },
    { type: 'fields_updated', fields: { invoice_id: 'INV-1', total_amount: 1200.5, paid: false, po_number: null } },
    { type: 'due_date_set', dueAt: '2026-12-31T23:59:59.000Z' },
    { type: 'comment_added', author: 'bob', text: 'please check the VAT' },
    { type: 'deleted' },
  ])('%j', (extra) => {
    const e = parseEvent({ eventId: 'e1', occurredAt: '2026-11-29T10:00:00Z', documentId: 'd1', tenantId: 'acme', documentType: 'credit_note', ...extra });
    expect(e).toMatchObject({ ...extra, tenantId: 'acme', documentType: 'credit_note' });
  });
});

describe('parseEvent: refused events name the field', () => {
  it.each<[string, unknown, string]>([
    ['unknown status', { ...good, status: 'archived' }, 'status: unknown status "archived" (expected one of received, processing, ready_for_validation, pending_approval, pending_second_approval, approved, exported, rejected, on_hold, error, import_error, export_error, deleted)'],
    ['empty documentId', { ...good, documentId: '' }, 'documentId: documentId must not be empty'],
    ['blank documentId', { ...good, documentId: '   ' }, 'documentId: documentId must not be empty'],
    ['documentId with a slash', { ...good, documentId: 'a/b' }, 'documentId: documentId must not contain spaces, "/", "?" or "#"'],
    ['missing documentId', { type: 'deleted', eventId: 'e1', occurredAt: common.occurredAt }, 'documentId: documentId is required'],
    ['missing eventId', { type: 'deleted', documentId: 'd1', occurredAt: common.occurredAt }, 'eventId: eventId is required'],
    ['too long eventId', { ...good, eventId: 'x'.repeat(201) }, 'eventId: eventId is too long (max 200)'],
    ['empty tenantId', { ...good, tenantId: '' }, 'tenantId: tenantId must not be empty'],
    ['bad occurredAt', { ...good, occurredAt: '29/11/2026' }, 'occurredAt: must be an ISO-8601 timestamp such as 2026-11-29T10:00:00Z'],
    ['date-only occurredAt', { ...good, occurredAt: '2026-11-29' }, 'occurredAt: must be an ISO-8601 timestamp'],
    ['impossible occurredAt', { ...good, occurredAt: '2026-13-45T10:00:00Z' }, 'occurredAt: must be an ISO-8601 timestamp'],
    ['unknown field', { ...good, colour: 'red' }, '(input): Unrecognized key: "colour"'],
    ['field of another event type', { ...good, assignee: 'bob' }, '(input): Unrecognized key: "assignee"'],
    ['unknown type', { ...good, type: 'exploded' }, 'type: type must be one of status_changed, assigned, fields_updated, due_date_set, comment_added, deleted'],
    ['missing type', { ...common, status: 'received' }, 'type: type must be one of'],
    ['empty assignee', { ...common, type: 'assigned', assignee: ' ' }, 'assignee: assignee must not be empty'],
    ['bad dueAt', { ...common, type: 'due_date_set', dueAt: 'next friday' }, 'dueAt: must be an ISO-8601 timestamp'],
    ['object as field value', { ...common, type: 'fields_updated', fields: { total: { $gt: 0 } } }, 'fields.total: '],
    ['bad field name', { ...common, type: 'fields_updated', fields: { 'total-amount': 1 } }, 'fields.total-amount: field names are letters, digits and _'],
    ['not an object', 'status_changed', '(input): '],
  ])('%s', (_name, input, message) => {
    const e = refused(input);
    expect(e.message).toBe(`invalid event: ${e.issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}`);
    expect(e.message).toContain(`invalid event: ${message}`);
  });

  it('lists every bad field, with issues for programs', () => {
    const e = refused({ ...good, eventId: '', occurredAt: 'now', status: 'nope' });
    expect(e.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['eventId', 'occurredAt', 'status']));
    expect(e.name).toBe('ValidationError');
  });
});

describe('helpers', () => {
  it('describeIssues formats "field: problem; field: problem"', () => {
    const r = documentEventSchema.safeParse({ ...good, status: 'x', occurredAt: 'y' });
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toMatch(/^occurredAt: .+; status: unknown status "x"/);
  });

  it('workflowIdFor is document/<tenant>/<document>', () => {
    expect(workflowIdFor('acme', 'INV-1')).toBe('document/acme/INV-1');
  });
});
