/**
 * The answers of `/api/v1` as zod schemas (and the event body, which the client validates itself): what the OpenAPI
 * document shows for each route and what the serializer encodes (src/web/plugins/openapi.ts). Loose objects: a
 * field the server adds later is sent, not stripped.
 */
import { z } from 'zod';
import { documentEventSchema, statusSchema } from '../../domain/events';
import { PRIORITIES } from '../../domain/rules';
import { NOTIFICATION_STATUSES } from '../../store/notifications';
import { documented } from '../plugins/openapi';

/** The answer of a route that answers nothing (204). */
export const noContent = z.null().describe('Done; no body');

const instant = z.string().describe('ISO-8601 timestamp');

/** An event accepted: the workflow it went to (started if new) and its id. */
export const eventAcceptedSchema = z.looseObject({
  workflowId: z.string(),
  runId: z.string(),
  eventId: z.string(),
});

/** An event as the API takes it: `documentId` comes from the URL, `eventId`, `occurredAt`, `tenantId` may be absent. */
const eventInApi = z.discriminatedUnion(
  'type',
  (documentEventSchema.options as readonly z.ZodObject[]).map((o) =>
    o.partial({ eventId: true, occurredAt: true, documentId: true, tenantId: true }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);
/** The body of POST /documents/:documentId/events: one event or a batch. */
export const eventBodySchema = documented(
  z
    .union([eventInApi, z.array(eventInApi).min(1).max(100)])
    .describe(
      'One event, or an array of 1 to 100 (validated all before any is delivered). documentId defaults to the ' +
        "URL's; tenantId to the query's tenant (or the API key's); eventId and occurredAt are generated when absent.",
    ),
);

const decisionSchema = z.looseObject({
  action: z.string(),
  actor: z.string(),
  at: instant,
  reason: z.string().optional(),
});

/** A document's state, as its workflow answers the query. */
export const documentViewSchema = z.looseObject({
  tenantId: z.string(),
  documentId: z.string(),
  documentType: z.string(),
  status: z.string().optional(),
  previousStatus: z.string().optional(),
  statusSince: instant.optional(),
  assignee: z.string().optional(),
  fields: z.record(z.string(), z.unknown()),
  dueAt: instant.optional(),
  awaitingAction: z.boolean(),
  escalationLevel: z.number().int(),
  task: z.looseObject({ id: z.string(), version: z.number().int(), openedAt: instant }).optional(),
  decisions: z.array(decisionSchema.extend({ taskId: z.string() })),
  pending: z.array(z.looseObject({ at: instant })),
  nextNotificationAt: instant.optional(),
  emails: z.array(z.looseObject({ at: instant })),
  emailCount: z.number().int(),
  rulesVersion: z.number().int().optional(),
  rulesReadAt: instant.optional(),
  history: z.array(z.looseObject({ at: instant })),
  finished: z.boolean(),
});

/** A document in the list: its workflow and the search attributes it carries. */
export const documentSummarySchema = z.looseObject({
  workflowId: z.string(),
  runId: z.string(),
  documentId: z.string(),
  tenantId: z.string(),
  documentType: z.string().optional(),
  status: z.string().optional(),
  assignee: z.string().optional(),
  awaitingAction: z.boolean().optional(),
  escalationLevel: z.number().optional(),
  nextNotificationAt: instant.optional(),
  dueAt: instant.optional(),
  running: z.boolean(),
  startTime: instant,
});

/** A notification rule as saved (its version goes up on each change). */
export const ruleSchema = z.looseObject({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  version: z.number().int(),
  active: z.boolean(),
  documentType: z.string().nullable(),
  trigger: z.union([z.looseObject({ status: statusSchema }), z.looseObject({ event: z.string() })]),
  priority: z.enum(PRIORITIES),
});

/** A user of the directory. */
export const userSchema = z.looseObject({
  id: z.string(),
  email: z.string(),
  name: z.string().optional(),
  locale: z.string().optional(),
  timeZone: z.string().optional(),
  managerId: z.string().optional(),
  substituteId: z.string().optional(),
  outOfOffice: z.boolean(),
  roles: z.array(z.string()),
});
/** A group of the directory: its members are user ids. */
export const groupSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  members: z.array(z.string()),
});

/** An email template (the tenant's or the shipped one). */
export const templateSchema = z.looseObject({
  tenantId: z.string(),
  name: z.string(),
  locale: z.string(),
  documentType: z.string(),
  isDefault: z.boolean(),
  updatedAt: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string().optional(),
});

/** What a test send did. */
export const testSendResultSchema = z.looseObject({
  status: z.string(),
  messageId: z.string().optional(),
  detail: z.string().optional(),
});

/** A tenant's settings as shown (the webhook secret never). */
export const tenantSettingsViewSchema = z.looseObject({
  id: z.string(),
  locale: z.string(),
  calendar: z.unknown().describe('The default business calendar, or null (around the clock)'),
  calendars: z.record(z.string(), z.unknown()),
  webhookUrl: z.string().optional(),
  webhookSecret: z.literal('(set)').optional().describe('Never shown: "(set)" when there is one'),
  adminEmails: z.array(z.string()),
});

/** An API key, never its secret. */
export const apiKeySchema = z.looseObject({
  id: z.string(),
  tenantId: z.string(),
  scope: z.enum(['ingest', 'admin']),
  name: z.string(),
  createdBy: z.string(),
  createdAt: instant,
  revokedAt: instant.optional(),
});
/** An API key just created, with its secret (shown this once). */
export const createdKeySchema = apiKeySchema.extend({
  key: z.string().describe('The secret (dnk_…): shown this once, never again'),
});

/** An administrator account, never its password. */
export const adminSchema = z.looseObject({
  username: z.string(),
  tenantId: z.string(),
  createdAt: instant,
  passwordChangedAt: instant,
});

/** A suppressed address: no email is sent to it. */
export const suppressionSchema = z.looseObject({
  tenantId: z.string(),
  email: z.string().describe('Lower-cased'),
  reason: z.string(),
  source: z.enum(['smtp', 'bounce', 'admin']).describe('smtp: a 5.1.x reply; bounce: reported; admin: added by hand'),
  createdAt: instant,
});

/** One entry of the audit log: who changed what, from what to what. */
export const auditEntrySchema = z.looseObject({
  id: z.string(),
  at: instant,
  tenantId: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

/** One entry of the notification log: an email decided, and what became of it. */
export const notificationSchema = z.looseObject({
  key: z.string(),
  messageId: z.string(),
  tenantId: z.string(),
  documentId: z.string(),
  documentType: z.string().optional(),
  ruleId: z.string().optional(),
  ruleName: z.string().optional(),
  kind: z.string(),
  seq: z.number().int(),
  recipient: z.string(),
  subject: z.string().optional(),
  status: z.enum(NOTIFICATION_STATUSES),
  reason: z.string().optional(),
  smtpResponse: z.string().optional(),
  attempts: z.number().int(),
  createdAt: instant,
  updatedAt: instant,
  sentAt: instant.optional(),
});

/** A recipient whose emails fail permanently. */
export const failingRecipientSchema = z.looseObject({
  email: z.string(),
  reason: z.string(),
  failures: z.number().int(),
});
