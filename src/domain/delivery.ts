/**
 * What happens to an email around its SMTP transaction (issue 13, point 5): which action links it carries, and after a
 * failure whether it is retried, given up, alerted and its address suppressed. Pure: the activity does the I/O.
 */
import type { SmtpClass } from './failures';

/** The kinds of email that carry the rule's action links (the ones that ask the person to act on the open task). */
export const LINKED_KINDS: readonly string[] = ['first', 'reminder', 'reassignment', 'due_soon', 'overdue'];

/** The rule's action links for an email of this kind (none without a rule, and none for the other kinds). */
export function linkActionsFor<A>(kind: string, rule: { actions: A[] } | undefined): A[] {
  return rule && LINKED_KINDS.includes(kind) ? rule.actions : [];
}

/** Links are signed only with a key, for a task that is open and not yet decided. */
export const offersLinks = (canSign: boolean, doc: { task?: unknown; decision?: unknown }): boolean =>
  canSign && !!doc.task && !doc.decision;

/** A reply that says the address itself is bad: 5xx with enhanced status code 5.1.x (user unknown, bad domain, ...). */
export function suppressesAddress(reply: { responseCode?: number; response?: string }): boolean {
  return (
    typeof reply.responseCode === 'number' &&
    reply.responseCode >= 500 &&
    reply.responseCode < 600 &&
    /^\d{3}[ -]5\.1\.\d{1,3}\b/.test(reply.response ?? '')
  );
}

export type FailureOutcome =
  { action: 'retry' } | { action: 'fail'; reason: string; alertAdmins: boolean; suppress: boolean };

/**
 * After a failed SMTP attempt. A temporary failure is retried until SMTP_RETRY_FOR has passed since the email's first
 * attempt; then, or at once for a permanent one, the email fails. A permanent failure alerts the tenant's
 * administrators (not for an alert itself: no loop) and suppresses an address the reply says is bad.
 */
export function afterSmtpFailure(input: {
  smtpClass: SmtpClass;
  /** Since the first attempt was scheduled; undefined outside an activity (never expires). */
  elapsedMs: number | undefined;
  retryForMs: number;
  /** SMTP_RETRY_FOR as configured, for the reason. */
  retryFor: string;
  kind: string;
  reply: { responseCode?: number; response?: string };
}): FailureOutcome {
  const expired = input.elapsedMs !== undefined && input.elapsedMs >= input.retryForMs;
  if (input.smtpClass === 'temporary' && !expired) return { action: 'retry' };
  const permanent = input.smtpClass === 'permanent';
  return {
    action: 'fail',
    reason: permanent ? 'permanent SMTP failure' : `temporary SMTP failures for longer than ${input.retryFor}`,
    alertAdmins: permanent && input.kind !== 'smtp_failure_alert',
    suppress: permanent && suppressesAddress(input.reply),
  };
}
