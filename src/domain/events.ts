import { z } from 'zod';
import { shared } from './shared';
import { STATUSES } from './status';

/**
 * The event schemas, built once per process (and once per worker thread in the workflow sandbox, not once per
 * document: src/domain/shared.ts).
 */
export const { isoInstant, fieldValue, fieldsSchema, statusSchema, documentEventSchema } = shared(
  'domain/events: schemas',
  buildEventSchemas,
);

function buildEventSchemas() {
  const id = (what: string) =>
    z
      .string({ error: `${what} is required` })
      .trim()
      .min(1, `${what} must not be empty`)
      .max(200, `${what} is too long (max 200)`)
      .regex(/^[^\s/?#]+$/, `${what} must not contain spaces, "/", "?" or "#"`);

  /** ISO-8601 timestamp with offset, normalized to UTC ISO form. */
  const isoInstant = z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)) && /\d{4}-\d{2}-\d{2}T/.test(s), {
      message: 'must be an ISO-8601 timestamp such as 2026-11-29T10:00:00Z',
    })
    .transform((s) => new Date(s).toISOString());

  /** Field values are data, never code: scalars only. */
  const fieldValue = z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()]);
  const FIELD_NAME = 'field names are letters, digits and _';
  // zod reports a bad record key as "Invalid key in record": say what a field name must be instead.
  const fieldsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, FIELD_NAME), fieldValue, {
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

  const statusSchema = z.enum(STATUSES, {
    error: (i) => `unknown status "${String(i.input)}" (expected one of ${STATUSES.join(', ')})`,
  });

  /** One `documentEvent` signal carries any of these (product.md, "Events the pipeline sends"). */
  const documentEventSchema = z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        ...base,
        type: z.literal('status_changed'),
        status: statusSchema,
        reason: z.string().max(2000).optional(),
        errorMessage: z.string().max(2000).optional(),
        actor: z.string().max(200).optional(),
      }),
      z.strictObject({
        ...base,
        type: z.literal('assigned'),
        assignee: z.string().trim().min(1, 'assignee must not be empty').max(320),
      }),
      z.strictObject({ ...base, type: z.literal('fields_updated'), fields: fieldsSchema }),
      z.strictObject({ ...base, type: z.literal('due_date_set'), dueAt: isoInstant }),
      z.strictObject({
        ...base,
        type: z.literal('comment_added'),
        author: z.string().trim().min(1).max(200),
        text: z.string().min(1).max(10_000),
      }),
      z.strictObject({ ...base, type: z.literal('deleted') }),
    ],
    {
      error: (i) =>
        i.code === 'invalid_union'
          ? 'type must be one of status_changed, assigned, fields_updated, due_date_set, comment_added, deleted'
          : undefined,
    },
  );
  return { isoInstant, fieldValue, fieldsSchema, statusSchema, documentEventSchema };
}

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
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
  static fromZod(error: z.ZodError, prefix = 'invalid input'): ValidationError {
    return new ValidationError(
      `${prefix}: ${describeIssues(error)}`,
      error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
}

/**
 * Bounds on what one event may carry, beyond its shape (issue 12): whatever passes them fits in a workflow's
 * payloads and search attributes. Checked at every edge and again inside the workflow.
 */
export const EVENT_LIMITS = {
  /** Fields one `fields_updated` may set. */
  fieldsPerEvent: 200,
  /** The whole event as JSON, in characters. */
  eventChars: 65_536,
  /** Fields a document may hold in all. */
  documentFields: 500,
  /** A document's fields together as JSON, in characters. */
  documentFieldsChars: 262_144,
  /** Instants (`occurredAt`, `dueAt`) must fall in [minYear, maxYear]. */
  minYear: 1970,
  maxYear: 2199,
} as const;

/** YYYY-MM-DDThh:mm[:ss[.fff]] with Z or ±hh:mm: no expanded years, no bare dates, nothing after. */
const ANCHORED_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
/** C0 controls and DEL, except tab, CR and LF. */
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface Issue {
  path: string;
  message: string;
}

/** Every string in `value` (keys included) holding a control character, by path. */
export function controlCharacterIssues(value: unknown, path = ''): Issue[] {
  const issues: Issue[] = [];
  const visit = (v: unknown, at: string, depth: number): void => {
    if (typeof v === 'string') {
      if (CONTROL.test(v))
        issues.push({
          path: at || '(input)',
          message: 'must not contain control characters (only tab, CR and LF are allowed)',
        });
    } else if (v && typeof v === 'object' && depth < 32) {
      for (const [k, inner] of Object.entries(v)) {
        const next = at ? `${at}.${k}` : k;
        if (CONTROL.test(k)) issues.push({ path: next, message: 'names must not contain control characters' });
        visit(inner, next, depth + 1);
      }
    }
  };
  visit(value, path, 0);
  return issues;
}

/**
 * What makes a well-shaped event unfit to keep (pure; `raw` is the input as sent, already valid for the schema):
 * control characters in any string, instants that are not anchored ISO-8601 or fall outside the years of
 * EVENT_LIMITS, too many fields, too large as a whole.
 */
export function eventLimitIssues(raw: unknown): Issue[] {
  const event = raw as Record<string, unknown>;
  const issues = controlCharacterIssues(event);
  for (const key of ['occurredAt', 'dueAt'] as const) {
    const v = event[key];
    if (typeof v !== 'string') continue;
    const year = new Date(v).getUTCFullYear();
    if (!ANCHORED_INSTANT.test(v.trim()))
      issues.push({
        path: key,
        message:
          'must be an ISO-8601 timestamp such as 2026-11-29T10:00:00Z (four-digit year, time, and Z or an offset)',
      });
    else if (!(year >= EVENT_LIMITS.minYear && year <= EVENT_LIMITS.maxYear))
      issues.push({
        path: key,
        message: `must fall between the years ${EVENT_LIMITS.minYear} and ${EVENT_LIMITS.maxYear}`,
      });
  }
  const fields = event.fields;
  if (fields && typeof fields === 'object' && Object.keys(fields).length > EVENT_LIMITS.fieldsPerEvent) {
    issues.push({ path: 'fields', message: `at most ${EVENT_LIMITS.fieldsPerEvent} fields per event` });
  }
  if (issues.length === 0 && JSON.stringify(raw).length > EVENT_LIMITS.eventChars) {
    issues.push({
      path: '(input)',
      message: `the event is too large (at most ${EVENT_LIMITS.eventChars} characters as JSON)`,
    });
  }
  return issues;
}

/** Would merging `update` into a document's `fields` exceed its limits? Then the reason, else undefined. */
export function fieldsOverflow(
  fields: Record<string, FieldValue>,
  update: Record<string, FieldValue>,
): string | undefined {
  const merged = { ...fields, ...update };
  if (Object.keys(merged).length > EVENT_LIMITS.documentFields)
    return `a document holds at most ${EVENT_LIMITS.documentFields} fields`;
  if (JSON.stringify(merged).length > EVENT_LIMITS.documentFieldsChars)
    return `a document's fields hold at most ${EVENT_LIMITS.documentFieldsChars} characters as JSON`;
  return undefined;
}

/** Is this instant (epoch ms) one a search attribute and a timer can carry? */
export function isSaneInstant(ms: number): boolean {
  const year = new Date(ms).getUTCFullYear();
  return Number.isFinite(ms) && year >= EVENT_LIMITS.minYear && year <= EVENT_LIMITS.maxYear;
}

/** Validates at the edge; throws ValidationError naming each bad field. */
export function parseEvent(input: unknown): DocumentEvent {
  const r = documentEventSchema.safeParse(input);
  if (!r.success) throw ValidationError.fromZod(r.error, 'invalid event');
  const issues = eventLimitIssues(input);
  if (issues.length > 0)
    throw new ValidationError(`invalid event: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return r.data;
}

/** Temporal workflow id of a document (product.md: `document/<tenantId>/<documentId>`). */
export const workflowIdFor = (tenantId: string, documentId: string): string => `document/${tenantId}/${documentId}`;
