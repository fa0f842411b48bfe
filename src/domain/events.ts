import { z } from 'zod';
import { STATUSES } from './status';

const id = (what: string) =>
  z.string({ error: `${what} is required` }).trim().min(1, `${what} must not be empty`).max(200, `${what} is too long (max 200)`)
    .regex(/^[^\s/?#]+$/, `${what} must not contain spaces, "/", "?" or "#"`);

/** ISO-8601 timestamp with offset, normalized to UTC ISO form. */
export const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && /\d{4}-\d{2}-\d{2}T/.test(s), {
  message: 'must be an ISO-8601 timestamp such as 2026-11-29T10:00:00Z',
}).transform((s) => new Date(s).toISOString());

/** Field values are data, never code: scalars only. */
export const fieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
const FIELD_NAME = 'field names are letters, digits and _';
// zod reports a bad record key as "Invalid key in record": say what a field name must be instead.
export const fieldsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, FIELD_NAME), fieldValue, {
  error: (i) => (i.code === 'invalid_key' ? FIELD_NAME : undefined),
});

const base = {
  eventId: id('eventId'),
  occurredAt: isoInstant,
  tenantId: id('tenantId').default('default'),
  documentId: id('documentId'),
  /** Absent = the document keeps its type (a new document is an `invoice`). */
  documentType: z.string().trim().min(1).max(100).optional(),
};

export const statusSchema = z.enum(STATUSES, { error: (i) => `unknown status "${String(i.input)}" (expected one of ${STATUSES.join(', ')})` });

/** One `documentEvent` signal carries any of these (product.md, "Events the pipeline sends"). */
export const documentEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('status_changed'), status: statusSchema, reason: z.string().max(2000).optional(), errorMessage: z.string().max(2000).optional(), actor: z.string().max(200).optional() }),
  z.strictObject({ ...base, type: z.literal('assigned'), assignee: z.string().trim().min(1, 'assignee must not be empty').max(320) }),
  z.strictObject({ ...base, type: z.literal('fields_updated'), fields: fieldsSchema }),
  z.strictObject({ ...base, type: z.literal('due_date_set'), dueAt: isoInstant }),
  z.strictObject({ ...base, type: z.literal('comment_added'), author: z.string().trim().min(1).max(200), text: z.string().min(1).max(10_000) }),
  z.strictObject({ ...base, type: z.literal('deleted') }),
], { error: (i) => (i.code === 'invalid_union' ? 'type must be one of status_changed, assigned, fields_updated, due_date_set, comment_added, deleted' : undefined) });

export type DocumentEventInput = z.input<typeof documentEventSchema>;
export type DocumentEvent = z.output<typeof documentEventSchema>;
export type EventType = DocumentEvent['type'];
export type FieldValue = z.infer<typeof fieldValue>;

/** Formats zod issues as "field: problem; field: problem". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`).join('; ');
}

/** Thrown at the edges (client, HTTP, CLI) for bad input; the message names the field and the problem. */
export class ValidationError extends Error {
  constructor(message: string, readonly issues: { path: string; message: string }[] = []) {
    super(message);
    this.name = 'ValidationError';
  }
  static fromZod(error: z.ZodError, prefix = 'invalid input'): ValidationError {
    return new ValidationError(`${prefix}: ${describeIssues(error)}`, error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
}

/** Validates at the edge; throws ValidationError naming each bad field. */
export function parseEvent(input: unknown): DocumentEvent {
  const r = documentEventSchema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error, 'invalid event');
  return r.data;
}

/** Temporal workflow id of a document (product.md: `document/<tenantId>/<documentId>`). */
export const workflowIdFor = (tenantId: string, documentId: string): string => `document/${tenantId}/${documentId}`;
