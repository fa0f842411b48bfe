import {
  controlCharacterIssues,
  describeIssues,
  documentEventSchema,
  EVENT_LIMITS,
  fieldsOverflow,
  isSaneInstant,
  parseEvent,
  ValidationError,
  workflowIdFor,
} from '../../src/domain/events';
import { applyEvent, initialState } from '../../src/domain/document';
import { tenantIdProblem } from '../../src/domain/tenant';

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
    const e = parseEvent({
      eventId: 'e1',
      occurredAt: '2026-11-29T10:00:00Z',
      documentId: 'd1',
      tenantId: 'acme',
      documentType: 'credit_note',
      ...extra,
    });
    expect(e).toMatchObject({ ...extra, tenantId: 'acme', documentType: 'credit_note' });
  });
});

describe('parseEvent: refused events name the field', () => {
  it.each<[string, unknown, string]>([
    [
      'unknown status',
      { ...good, status: 'archived' },
      'status: unknown status "archived" (expected one of received, processing, ready_for_validation, pending_approval, pending_second_approval, approved, exported, rejected, on_hold, error, import_error, export_error, deleted)',
    ],
    ['empty documentId', { ...good, documentId: '' }, 'documentId: documentId must not be empty'],
    ['blank documentId', { ...good, documentId: '   ' }, 'documentId: documentId must not be empty'],
    [
      'documentId with a slash',
      { ...good, documentId: 'a/b' },
      'documentId: documentId must not contain spaces, "/", "?" or "#"',
    ],
    [
      'missing documentId',
      { type: 'deleted', eventId: 'e1', occurredAt: common.occurredAt },
      'documentId: documentId is required',
    ],
    [
      'missing eventId',
      { type: 'deleted', documentId: 'd1', occurredAt: common.occurredAt },
      'eventId: eventId is required',
    ],
    ['too long eventId', { ...good, eventId: 'x'.repeat(201) }, 'eventId: eventId is too long (max 200)'],
    ['empty tenantId', { ...good, tenantId: '' }, 'tenantId: tenantId must not be empty'],
    [
      'bad occurredAt',
      { ...good, occurredAt: '29/11/2026' },
      'occurredAt: must be an ISO-8601 timestamp such as 2026-11-29T10:00:00Z',
    ],
    ['date-only occurredAt', { ...good, occurredAt: '2026-11-29' }, 'occurredAt: must be an ISO-8601 timestamp'],
    [
      'impossible occurredAt',
      { ...good, occurredAt: '2026-13-45T10:00:00Z' },
      'occurredAt: must be an ISO-8601 timestamp',
    ],
    ['unknown field', { ...good, colour: 'red' }, '(input): Unrecognized key: "colour"'],
    ['field of another event type', { ...good, assignee: 'bob' }, '(input): Unrecognized key: "assignee"'],
    [
      'unknown type',
      { ...good, type: 'exploded' },
      'type: type must be one of status_changed, assigned, fields_updated, due_date_set, comment_added, deleted',
    ],
    ['missing type', { ...common, status: 'received' }, 'type: type must be one of'],
    ['empty assignee', { ...common, type: 'assigned', assignee: ' ' }, 'assignee: assignee must not be empty'],
    ['bad dueAt', { ...common, type: 'due_date_set', dueAt: 'next friday' }, 'dueAt: must be an ISO-8601 timestamp'],
    ['object as field value', { ...common, type: 'fields_updated', fields: { total: { $gt: 0 } } }, 'fields.total: '],
    [
      'bad field name',
      { ...common, type: 'fields_updated', fields: { 'total-amount': 1 } },
      'fields.total-amount: field names are letters, digits and _',
    ],
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

describe('EVENT_LIMITS (issue 12): what would wedge a workflow is refused at the edge and dropped inside', () => {
  const base = { eventId: 'e1', occurredAt: '2026-12-01T10:00:00Z', documentId: 'INV-1' };
  const refused = (event: Record<string, unknown>) => () => parseEvent({ ...base, ...event });

  test.each([
    '+010000-01-01T00:00:00Z',
    '-000001-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    '2026-12-01',
    '2026-12-01T10:00:00Z trailing',
    '2300-01-01T00:00:00Z',
    '1969-12-31T23:59:59Z',
  ])('dueAt %s is refused, naming dueAt', (dueAt) => {
    expect(refused({ type: 'due_date_set', dueAt })).toThrow(/dueAt: must/);
  });

  test.each(['2026-12-01T10:00Z', '2026-12-01T10:00:00.123456+02:00', '2199-12-31T23:59:59Z'])(
    'dueAt %s is accepted',
    (dueAt) => {
      expect(parseEvent({ ...base, type: 'due_date_set', dueAt }).type).toBe('due_date_set');
    },
  );

  test('control characters are refused in every string, named by path; tab, CR and LF are not', () => {
    expect(refused({ type: 'fields_updated', fields: { supplier_name: 'AC\u0000ME' } })).toThrow(
      /fields\.supplier_name: must not contain control characters/,
    );
    expect(refused({ type: 'comment_added', author: 'ana', text: 'bell\u0007' })).toThrow(
      /text: must not contain control characters/,
    );
    expect(refused({ type: 'deleted', eventId: 'e\u001b1' })).toThrow(/eventId/);
    expect(parseEvent({ ...base, type: 'comment_added', author: 'ana', text: 'two\tcolumns\r\nand lines' }).type).toBe(
      'comment_added',
    );
    expect(controlCharacterIssues({ a: [{ b: 'x\u007f' }] })).toEqual([
      { path: 'a.0.b', message: expect.stringMatching(/control characters/) },
    ]);
  });

  test('more than 200 fields, or an event over 65,536 characters, is refused', () => {
    expect(
      refused({
        type: 'fields_updated',
        fields: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, i])),
      }),
    ).toThrow(/fields: at most 200 fields/);
    expect(
      refused({
        type: 'fields_updated',
        fields: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i}`, 'x'.repeat(9_000)])),
      }),
    ).toThrow(/too large/);
  });

  test('a document whose fields would pass 500 or 262,144 characters refuses the update, and says why', () => {
    const state = initialState('default', 'INV-1');
    for (let i = 0; i < 30; i++) {
      const fields = Object.fromEntries(Array.from({ length: 6 }, (_, k) => [`f${i}_${k}`, 'x'.repeat(9_000)]));
      applyEvent(state, { ...base, eventId: `e${i}`, type: 'fields_updated', fields }, 0);
    }
    expect(JSON.stringify(state.fields).length).toBeLessThanOrEqual(EVENT_LIMITS.documentFieldsChars);
    expect(
      state.history.some((h) => h.kind === 'rejected' && /fields hold at most 262144 characters/.test(h.text)),
    ).toBe(true);
    expect(fieldsOverflow({}, Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`f${i}`, 1])))).toMatch(
      /at most 500 fields/,
    );
  });

  test('runs started before the limits (bounded: false) keep applying what the schema accepts', () => {
    const state = initialState('default', 'INV-1');
    expect(
      applyEvent(state, { ...base, type: 'fields_updated', fields: { s: 'AC\u0000ME' } }, 0, { bounded: false }),
    ).toBe('applied');
    const strict = initialState('default', 'INV-1');
    expect(applyEvent(strict, { ...base, type: 'fields_updated', fields: { s: 'AC\u0000ME' } }, 0)).toBe('rejected');
    expect(strict.fields).toEqual({});
  });

  test('isSaneInstant: only instants of the years 1970–2199', () => {
    expect(isSaneInstant(Date.parse('2026-12-01T00:00:00Z'))).toBe(true);
    expect(isSaneInstant(Date.parse('+010000-01-01T00:00:00Z'))).toBe(false);
    expect(isSaneInstant(Number.NaN)).toBe(false);
  });
});

describe('tenant ids', () => {
  test.each(['default', 'acme', 'tenant-1a2b', 'ACME.eu_2'])('%s is a tenant id', (id) =>
    expect(tenantIdProblem(id)).toBeUndefined(),
  );
  test.each(['*', '', ' acme', 'a b', "o'brien", 'a\\b', '-x', 'x/y', 'é', 'a'.repeat(101)])(
    '%j is refused, naming the field',
    (id) => {
      expect(tenantIdProblem(id, 'tenantId')).toMatch(/^tenantId: /);
    },
  );
});
