/**
 * Who an email goes to (issue 13, point 5): the rule and the document decide which directory lookups to make, in which
 * order; the activity makes them (I/O) and dedupes the result. Pure.
 */
import type { Rule } from './rules';

/** One directory lookup the activity makes, in order. */
export type Lookup =
  | { by: 'name'; who: string } // a user id, group or address, resolved through the directory
  | { by: 'manager'; of: string }
  | { by: 'role'; role: string }
  | { by: 'address'; email: string }; // a fixed address, taken as it is

export interface RecipientPlan {
  lookups: Lookup[];
  /** Escalations: whom the level hands the task to. */
  reassignTo?: string;
  /** Nothing to send, and why (logged as the email's skip reason). */
  skipped?: string;
}

const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
/** A field that names a recipient: an address of at most 320 characters (checked first: the pattern backtracks on long values). */
export const looksLikeEmail = (v: string): boolean => v.length <= 320 && EMAIL_RE.test(v);

/**
 * The lookups for one planned email. Escalations: the assignee's manager (when the level says so), the level's roles,
 * its addresses. Reassignment notices: the new assignee. Everything else: the rule's recipients — the assignee, the
 * fixed addresses, the roles, then the document fields that hold an address.
 */
export function recipientPlan(
  rule: Pick<Rule, 'recipients' | 'escalation'>,
  planned: { kind: string; seq: number },
  doc: { assignee?: string; fields: Record<string, unknown> },
): RecipientPlan {
  if (planned.kind === 'escalation') {
    const level = rule.escalation[planned.seq - 1];
    if (!level) return { lookups: [], skipped: `escalation level ${planned.seq} no longer exists` };
    return {
      lookups: [
        ...(level.manager && doc.assignee ? [{ by: 'manager', of: doc.assignee } as const] : []),
        ...level.roles.map((role) => ({ by: 'role', role }) as const),
        ...level.addresses.map((email) => ({ by: 'address', email }) as const),
      ],
      reassignTo: level.reassignTo,
    };
  }
  if (planned.kind === 'reassignment') return { lookups: doc.assignee ? [{ by: 'name', who: doc.assignee }] : [] };
  const r = rule.recipients;
  const fromFields = r.fields
    .map((f) => doc.fields[f])
    .filter((v): v is string => typeof v === 'string' && looksLikeEmail(v.trim()))
    .map((v) => ({ by: 'name', who: v.trim() }) as const);
  return {
    lookups: [
      ...(r.assignee && doc.assignee ? [{ by: 'name', who: doc.assignee } as const] : []),
      ...r.addresses.map((email) => ({ by: 'address', email }) as const),
      ...r.roles.map((role) => ({ by: 'role', role }) as const),
      ...fromFields,
    ],
  };
}

/** The first of each address (compared lower-cased), in order. */
export function dedupeRecipients<T extends { email: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = r.email.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Who is told about a delivery problem: the tenant's admin addresses, then the directory's admins, each once, never
 * the address the problem is about (an admin whose own mailbox fails is not alerted at it).
 */
export function alertRecipients<T extends { email: string }>(
  adminEmails: readonly string[],
  directoryAdmins: readonly T[],
  about?: string,
): ({ email: string } | T)[] {
  const everyone = dedupeRecipients<{ email: string } | T>([
    ...adminEmails.map((email) => ({ email })),
    ...directoryAdmins,
  ]);
  const skipped = about?.toLowerCase();
  return everyone.filter((admin) => admin.email.toLowerCase() !== skipped);
}
