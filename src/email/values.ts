import type { DocumentStatus } from '../domain/status';
import { LAYOUT_FOOTER, statusLabel } from './defaults';
import type { DocumentSnapshot } from '../workflows/types';
import type { Recipient } from '../store/directory';
import { ACTIONS } from '../links/token';

export interface ActionLink {
  action: string;
  label: string;
  url: string;
}

const ACTION_LABELS: Record<string, Record<string, string>> = {
  en: { approve: 'Approve', reject: 'Reject', validate: 'Validate', snooze: 'Snooze', open: 'Open document' },
  es: { approve: 'Aprobar', reject: 'Rechazar', validate: 'Validar', snooze: 'Posponer', open: 'Abrir documento' },
  de: {
    approve: 'Genehmigen',
    reject: 'Ablehnen',
    validate: 'Validieren',
    snooze: 'Zurückstellen',
    open: 'Dokument öffnen',
  },
};

export const actionLabel = (action: string, locale: string): string =>
  (ACTION_LABELS[locale] ?? ACTION_LABELS.en)[action] ?? action;

/** Built-in link names (`approve_url`, ...): never taken from document fields, offered or not. */
const LINK_VALUES = new Set(ACTIONS.map((a) => `${a}_url`));

/** A document's own `document_url`, if it is an http(s) URL (never `javascript:` and the like). */
function httpUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The values a template is rendered with: document fields first, built-ins over them. */
export function templateValues(input: {
  snapshot: DocumentSnapshot;
  recipient: Recipient;
  locale: string;
  kind: string;
  seq: number;
  ruleName?: string;
  links: ActionLink[];
  documentUrl: string;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  const { snapshot: s, recipient, links } = input;
  const byAction = Object.fromEntries(links.map((l) => [`${l.action}_url`, l.url]));
  const due = s.dueAt ? new Date(s.dueAt) : undefined;
  const fields = Object.fromEntries(Object.entries(s.fields).filter(([k]) => !LINK_VALUES.has(k)));
  return {
    ...fields,
    document_id: s.documentId,
    document_type: s.documentType,
    tenant_id: s.tenantId,
    status: s.status ?? '',
    status_label: s.status ? statusLabel(s.status as DocumentStatus, input.locale) : '',
    previous_status: s.previousStatus ?? '',
    document_url: httpUrl(s.fields.document_url) ?? input.documentUrl,
    actions: links,
    ...byAction,
    reminder_number: input.kind === 'reminder' ? input.seq : '',
    escalation_level: input.kind === 'escalation' ? input.seq : s.escalationLevel || '',
    is_reminder: input.kind === 'reminder',
    is_escalation: input.kind === 'escalation',
    due_date: due ? due.toISOString().slice(0, 10) : (s.fields.due_date ?? ''),
    due_in: due ? humanizeUntil(due.getTime() - Date.now()) : '',
    recipient_name: recipient.name ?? recipient.email,
    recipient_email: recipient.email,
    assignee: s.assignee ?? '',
    reason: s.statusReason ?? s.decision?.reason ?? '',
    error_message: s.errorMessage ?? '',
    comment_author: s.comment?.author ?? '',
    comment_text: s.comment?.text ?? '',
    decision: s.decision?.action ?? '',
    decided_by: s.decision?.actor ?? '',
    decided_at: s.decision?.at ?? '',
    rule_name: input.ruleName ?? '',
    footer: (LAYOUT_FOOTER as Record<string, string>)[input.locale] ?? LAYOUT_FOOTER.en,
    ...input.extra,
  };
}

function humanizeUntil(ms: number): string {
  const abs = Math.abs(ms);
  const unit =
    abs >= 86_400_000
      ? (['day', 86_400_000] as const)
      : abs >= 3_600_000
        ? (['hour', 3_600_000] as const)
        : (['minute', 60_000] as const);
  const n = Math.round(abs / unit[1]);
  const s = `${n} ${unit[0]}${n === 1 ? '' : 's'}`;
  return ms >= 0 ? s : `${s} ago`;
}
