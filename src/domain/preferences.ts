/**
 * Personal email preferences (issue 14, point 2): which email is FYI and of which kind, which is action-required, and
 * what a person's stored choice means for one email. Pure: no I/O, no clock. See docs/preferences.md.
 *
 * The classification, from the notification's kind (src/domain/plan.ts) and what the activity knows about it:
 * - `decision` (the confirmation of an approve/reject/validate) → FYI `decision_confirmations`.
 * - `event` of a rule triggered by `comment_added` → FYI `comments`.
 * - `first`, `reminder` and `reassignment` of a status rule whose status does not wait for a person (`received`,
 *   `processing`, `approved`, `exported` = processing completed, `rejected`, `deleted`) → FYI `processing_completed`.
 * - `escalation` to a recipient who is not the one who must act (not the assignee, nor among the people the assignee
 *   resolves to, nor the level's `reassignTo`) → FYI `escalation_copies`. An escalation to the person who must act
 *   (the assignee is in the level's role, or the level reassigns to them) is action-required.
 * - Everything else is action-required: status emails of statuses that wait for a person (`ready_for_validation`,
 *   `pending_approval`, `pending_second_approval`, `on_hold`, `error`, `import_error`, `export_error`), `assigned`
 *   events, `due_soon`, `overdue`, administrators' alerts (`smtp_failure_alert`) and "Send test" emails.
 *
 * Action-required email can never be `off`, only moved to the digest. `digest` sends nothing on its own: the email is
 * filed in the person's daily digest (src/domain/digest.ts, docs/digest.md).
 */
import { isIntervention, type DocumentStatus } from './status';

/** The FYI kinds a person can choose for. */
export const FYI_KINDS = ['processing_completed', 'comments', 'decision_confirmations', 'escalation_copies'] as const;
export type FyiKind = (typeof FYI_KINDS)[number];

/** Everything a preference is kept for: the FYI kinds and action-required email. */
export const PREFERENCE_KINDS = [...FYI_KINDS, 'action_required'] as const;
export type PreferenceKind = (typeof PREFERENCE_KINDS)[number];

export const MODES = ['immediate', 'digest', 'off'] as const;
export type Mode = (typeof MODES)[number];

/** When nothing is stored. */
export const DEFAULT_MODE: Mode = 'immediate';

export const isFyiKind = (k: unknown): k is FyiKind =>
  typeof k === 'string' && (FYI_KINDS as readonly string[]).includes(k);
export const isPreferenceKind = (k: unknown): k is PreferenceKind =>
  typeof k === 'string' && (PREFERENCE_KINDS as readonly string[]).includes(k);
export const isMode = (m: unknown): m is Mode => typeof m === 'string' && (MODES as readonly string[]).includes(m);

/** Modes offered for a kind: action-required email cannot be turned off. */
export const modesFor = (kind: PreferenceKind): readonly Mode[] =>
  kind === 'action_required' ? ['immediate', 'digest'] : MODES;

/** Is `mode` allowed for `kind`? */
export const allowed = (kind: PreferenceKind, mode: Mode): boolean => modesFor(kind).includes(mode);

/** An email's class for preferences. */
export type EmailClass = { fyi: true; kind: FyiKind } | { fyi: false; kind: 'action_required' };

/** What classifying one email takes (all known to the sending activity). */
export interface ClassifyInput {
  /** The notification kind (plan.ts) or an activity's own (`smtp_failure_alert`, `test`). */
  kind: string;
  /** The document's status when the email goes out (for status rules: the rule's status). */
  status?: string;
  /** For `event` emails: the rule's trigger event (`assigned`, `comment_added`); absent when the rule is gone. */
  triggerEvent?: string;
  /** For `event` emails whose rule is gone: the template, as the last hint (`comment_added`). */
  template?: string;
  /** For `escalation` emails: the recipient is one who must act (the assignee, or whom the level reassigns to). */
  recipientMustAct?: boolean;
}

const ACTION_REQUIRED: EmailClass = { fyi: false, kind: 'action_required' };
const fyi = (kind: FyiKind): EmailClass => ({ fyi: true, kind });

/** Which email is FYI, and of which kind (see the module comment). */
export function classify(input: ClassifyInput): EmailClass {
  switch (input.kind) {
    case 'decision':
      return fyi('decision_confirmations');
    case 'event':
      return (input.triggerEvent ?? input.template) === 'comment_added' ? fyi('comments') : ACTION_REQUIRED;
    case 'escalation':
      return input.recipientMustAct ? ACTION_REQUIRED : fyi('escalation_copies');
    case 'first':
    case 'reminder':
    case 'reassignment':
      return input.status && !isIntervention(input.status as DocumentStatus)
        ? fyi('processing_completed')
        : ACTION_REQUIRED;
    default:
      return ACTION_REQUIRED;
  }
}

/**
 * The mode that applies to an email of class `c` given what the person stored for its kind (undefined = nothing
 * stored): the stored mode when it is allowed for the kind, else {@link DEFAULT_MODE}.
 */
export function effectiveMode(c: EmailClass, stored: Mode | undefined): Mode {
  return stored && allowed(c.kind, stored) ? stored : DEFAULT_MODE;
}

/** What to do with one email now: send it, or skip it (logged `skipped: preference`). */
export type SendDecision = { send: true; mode: 'immediate' | 'digest' } | { send: false; reason: 'preference' };

/** `off` skips; `digest` is sent in the daily digest (routeEmail, src/domain/digest.ts). */
export function decide(c: EmailClass, stored: Mode | undefined): SendDecision {
  const mode = effectiveMode(c, stored);
  return mode === 'off' ? { send: false, reason: 'preference' } : { send: true, mode };
}

/** The key a preference is stored under: the directory user's id, else the lower-cased address. */
export function userKey(recipient: { email: string; userId?: string }): string {
  return recipient.userId && recipient.userId.trim() !== '' ? recipient.userId : recipient.email.trim().toLowerCase();
}

/** `List-Id` of a tenant's FYI email (RFC 2919): `<tenant>.docnotify.<domain>`, in the characters a list id takes. */
export function listId(tenantId: string, domain: string): string {
  const safe = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'x';
  const d = domain.toLowerCase().split('.').map(safe).join('.');
  return `${safe(tenantId)}.docnotify.${d}`;
}
