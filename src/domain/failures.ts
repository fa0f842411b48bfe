/**
 * Typed failures: every failure type name docnotify uses, what it means, and the one map from a failure to its HTTP
 * status, CLI exit code and action page.
 *
 * Pure (no Node, no I/O): the workflow imports it for the type names of its Update refusals. The names are the
 * `type` of the ApplicationFailures they travel in, so they are part of the recorded histories and of the client's
 * `DecisionOutcome`: never rename one. `test/unit/failures.test.ts` scans `src/` for type names written as literals
 * (`nonRetryable(…, '<Type>')`, `retryable(…)`, `nonRetryableErrorTypes`, `.type === '<Type>'`, `case '<Type>'`)
 * and fails on one that is not here.
 */

/** Every failure type name, by name. */
export const Failure = {
  // Update refusals (`resolveTask`, `snooze` validators and handlers, src/workflows/document.ts, src/domain/snooze.ts)
  StaleTask: 'StaleTask',
  AlreadyDecided: 'AlreadyDecided',
  Reassigned: 'Reassigned',
  Expired: 'Expired',
  WrongRecipient: 'WrongRecipient',
  SnoozeLinkUsed: 'SnoozeLinkUsed',
  SnoozeLimitReached: 'SnoozeLimitReached',
  SnoozeDueDate: 'SnoozeDueDate',
  BadRequest: 'BadRequest',
  // The client's own refusal (src/client.ts): the Update found no running workflow
  NotFound: 'NotFound',
  // Activity failures (src/activities, src/plugin.ts)
  TemplateError: 'TemplateError',
  ValidationError: 'ValidationError',
  WebhookRejected: 'WebhookRejected',
  TemporarySmtpError: 'TemporarySmtpError',
  // The error classes (src/errors.ts; ConfigError is src/config.ts's); ValidationError above is one of them too
  NotFoundError: 'NotFoundError',
  ForbiddenError: 'ForbiddenError',
  ConflictError: 'ConflictError',
  UnavailableError: 'UnavailableError',
  ConfigError: 'ConfigError',
} as const;

export type FailureType = (typeof Failure)[keyof typeof Failure];

/** The classes of an SMTP error (src/email/transport.ts `classifySmtpError`). */
export const SmtpClass = { temporary: 'temporary', permanent: 'permanent' } as const;
export type SmtpClass = (typeof SmtpClass)[keyof typeof SmtpClass];

/** What each SMTP class means for the delivery. */
export const SMTP_CLASSES: Record<SmtpClass, string> = {
  temporary:
    'a 4xx reply or a connection problem (auth, TLS, timeout, ...): retried with backoff (TemporarySmtpError) within SMTP_RETRY_FOR, then failed',
  permanent:
    'a 5xx reply to the message or recipient, or a malformed message or address: never retried; the ledger entry fails, the admins are alerted and a rejected address may be suppressed',
};

/** Where a failure type comes from. */
export type FailureOrigin = 'refusal' | 'client' | 'activity' | 'error';

/**
 * The action page of a failure: a key of the action pages' catalogue (src/web/locales/<lang>/actions.ts):
 * `alreadyDecided` is its already-decided page, the others its problem pages.
 */
export type ActionPage =
  | 'alreadyDecided'
  | 'stale'
  | 'reassigned'
  | 'expired'
  | 'wrongRecipient'
  | 'snoozeUsed'
  | 'snoozeLimit'
  | 'snoozeDue'
  | 'badRequest'
  | 'notFound'
  | 'unavailable';

export interface FailureInfo {
  readonly origin: FailureOrigin;
  readonly meaning: string;
  /** The HTTP status: of the action page for a refusal, of the API answer (`sendError`) for an error class. */
  readonly http: number;
  /** The CLI exit code (`reportError`). */
  readonly exit: number;
  /** The action page, for a refusal (the action pages never show the others; an unexpected one is "unavailable"). */
  readonly page: ActionPage;
  /** The page is `alreadyDecided` instead when the document's state records the task's decision. */
  readonly decidedFirst?: true;
}

/** CLI exit codes: 0 ok, 1 failure, 2 bad input or configuration, 3 not found, 4 conflict. */
export const EXIT_CODES = { ok: 0, failure: 1, usage: 2, notFound: 3, conflict: 4 } as const;
const X = EXIT_CODES;

/** The one map: every failure type to its meaning, HTTP status, CLI exit code and action page. */
export const FAILURES: { readonly [T in FailureType]: FailureInfo } = {
  StaleTask: {
    origin: 'refusal',
    meaning: 'the task is no longer open: the document moved on, or nothing awaits action',
    http: 409,
    exit: X.conflict,
    page: 'stale',
    decidedFirst: true,
  },
  AlreadyDecided: {
    origin: 'refusal',
    meaning: 'the task was already decided (the failure details carry the decision)',
    http: 409,
    exit: X.conflict,
    page: 'alreadyDecided',
  },
  Reassigned: {
    origin: 'refusal',
    meaning: 'the task was reassigned since the link was sent: its version no longer matches',
    http: 409,
    exit: X.conflict,
    page: 'reassigned',
  },
  Expired: { origin: 'refusal', meaning: 'the link has expired', http: 410, exit: X.conflict, page: 'expired' },
  WrongRecipient: {
    origin: 'refusal',
    meaning: 'the actor is neither a recipient of the task nor the assignee',
    http: 403,
    exit: X.usage,
    page: 'wrongRecipient',
  },
  SnoozeLinkUsed: {
    origin: 'refusal',
    meaning: 'this link already postponed the reminders; each link postpones them once',
    http: 409,
    exit: X.conflict,
    page: 'snoozeUsed',
  },
  SnoozeLimitReached: {
    origin: 'refusal',
    meaning: 'the reminders were already postponed by the most allowed in total (SNOOZE_MAX_TOTAL)',
    http: 409,
    exit: X.conflict,
    page: 'snoozeLimit',
  },
  SnoozeDueDate: {
    origin: 'refusal',
    meaning: 'the due date has passed or is too near: reminders are not postponed past it',
    http: 409,
    exit: X.conflict,
    page: 'snoozeDue',
  },
  BadRequest: {
    origin: 'refusal',
    meaning: 'the Update input is refused: a rejection without a reason, a linkId or maxTotalMs out of shape',
    http: 400,
    exit: X.usage,
    page: 'badRequest',
  },
  NotFound: {
    origin: 'client',
    meaning: 'the document has no running workflow (it finished, or never started)',
    http: 409,
    exit: X.notFound,
    page: 'stale',
    decidedFirst: true,
  },
  TemplateError: {
    origin: 'activity',
    meaning: 'a template does not render (syntax, or a forbidden construct): not retried',
    http: 500,
    exit: X.failure,
    page: 'unavailable',
  },
  ValidationError: {
    origin: 'error',
    meaning: 'invalid input, naming the field (an error class, and a non-retried activity failure)',
    http: 400,
    exit: X.usage,
    page: 'badRequest',
  },
  WebhookRejected: {
    origin: 'activity',
    meaning: 'the webhook endpoint refused or did not answer: retried',
    http: 500,
    exit: X.failure,
    page: 'unavailable',
  },
  TemporarySmtpError: {
    origin: 'activity',
    meaning: 'a temporary SMTP failure (SmtpClass temporary): retried within SMTP_RETRY_FOR',
    http: 500,
    exit: X.failure,
    page: 'unavailable',
  },
  NotFoundError: {
    origin: 'error',
    meaning: 'the thing asked for does not exist',
    http: 404,
    exit: X.notFound,
    page: 'notFound',
  },
  ForbiddenError: {
    origin: 'error',
    meaning: 'the credentials are valid but do not reach this tenant or route',
    http: 403,
    exit: X.usage,
    page: 'unavailable',
  },
  ConflictError: {
    origin: 'error',
    meaning: 'the change conflicts with existing data, e.g. a duplicate rule name',
    http: 409,
    exit: X.conflict,
    page: 'unavailable',
  },
  UnavailableError: {
    origin: 'error',
    meaning: 'a service docnotify needs did not answer in time (no worker answers a query, ...)',
    http: 503,
    exit: X.failure,
    page: 'unavailable',
  },
  ConfigError: {
    origin: 'error',
    meaning: 'the configuration (environment, .env) is invalid, naming each bad variable',
    http: 500,
    exit: X.usage,
    page: 'unavailable',
  },
};

/** The failure types of the error classes (what `failureTypeOf` in src/errors.ts returns, and ConfigError). */
export type ErrorKind =
  | typeof Failure.ValidationError
  | typeof Failure.NotFoundError
  | typeof Failure.ForbiddenError
  | typeof Failure.ConflictError
  | typeof Failure.UnavailableError
  | typeof Failure.ConfigError;

/** The types a refused `resolveTask`/`snooze` comes back with (DecisionOutcome). */
export type RefusalType =
  | typeof Failure.StaleTask
  | typeof Failure.AlreadyDecided
  | typeof Failure.Reassigned
  | typeof Failure.Expired
  | typeof Failure.WrongRecipient
  | typeof Failure.SnoozeLinkUsed
  | typeof Failure.SnoozeLimitReached
  | typeof Failure.SnoozeDueDate
  | typeof Failure.BadRequest
  | typeof Failure.NotFound;

const NAMES = new Set<string>(Object.values(Failure));

export function isFailureType(name: unknown): name is FailureType {
  return typeof name === 'string' && NAMES.has(name);
}

export function isRefusalType(name: unknown): name is RefusalType {
  return isFailureType(name) && (FAILURES[name].origin === 'refusal' || FAILURES[name].origin === 'client');
}

/** The page of a refusal of another type (a validator's plain Error, say): a 409 "bad request" page. */
export const UNKNOWN_REFUSAL: Pick<FailureInfo, 'http' | 'page'> = { http: 409, page: 'badRequest' };

/** The status and page of a refused Update's type. */
export function refusalPage(type: unknown): Pick<FailureInfo, 'http' | 'page' | 'decidedFirst'> {
  return isRefusalType(type) ? FAILURES[type] : UNKNOWN_REFUSAL;
}
