import type { ReminderDelivery } from '../domain/digest';
import type { LinkAction } from '../links/token';
import type { DocState } from '../domain/document';
import type { PlanContext, PlanOptions } from '../domain/plan';
import type { Recipient } from '../store/directory';
import type { DocumentSnapshot } from '../workflows/types';

/** One email to one recipient, planned by the workflow. */
export interface EmailJob {
  /** Deterministic: tenant/document/transition:rule:kind:seq/recipient. */
  ledgerKey: string;
  kind: string;
  seq: number;
  template: string;
  priority: 'low' | 'medium' | 'high';
  ruleId?: string;
  ruleName?: string;
  recipient: Recipient;
  snapshot: DocumentSnapshot;
  actions: LinkAction[];
  /**
   * Epoch ms (workflow time) before which the email must not go out: it was prepared ahead of its instant
   * (SEND_AHEAD). The activity claims the ledger row as `scheduled`, waits, and sends at that instant unless the
   * workflow withdrew it meanwhile.
   */
  notBefore?: number;
  /**
   * Escalations: every recipient of the level (lower-cased). When all of them are suppressed at the email's instant,
   * the log and the tenant's administrators are told that the escalation reaches no one.
   */
  escalationRecipients?: string[];
  /** Reminders: the rule's `reminderDelivery` (docs/digest.md); absent = immediate. */
  delivery?: ReminderDelivery;
}

export interface SendResult {
  ledgerKey: string;
  to: string;
  status: 'sent' | 'failed' | 'skipped';
  messageId?: string;
  detail?: string;
  /** The email carried action links for the open task. */
  linked: boolean;
}

export interface PrepareResult {
  emails: EmailJob[];
  skipped?: string;
  reassignTo?: string;
}

/** What loadContext reads for: the document's tenant, type and assignee (whose time zone the plan uses). */
export interface ContextInput {
  tenantId: string;
  documentType: string;
  assignee?: string;
}

export interface ContextAndPrepareInput {
  context: ContextInput;
  /** The workflow's state, its plan options and its time when it asked: the plan is computed from these. */
  state: DocState;
  options: PlanOptions;
  now: number;
}

export interface ContextAndPrepared {
  context: PlanContext;
  /** The notification the plan sends first now (by key), prepared; absent when nothing is due. */
  prepared?: { key: string; result: PrepareResult };
}
