/** Canonical document statuses (product.md, "Document statuses"). */
export const STATUSES = [
  'received',
  'processing',
  'ready_for_validation',
  'pending_approval',
  'pending_second_approval',
  'approved',
  'exported',
  'rejected',
  'on_hold',
  'error',
  'import_error',
  'export_error',
  'deleted',
] as const;

export type DocumentStatus = (typeof STATUSES)[number];

/** Statuses that wait for a human ("user intervention"): reminders and escalations apply here. */
export const INTERVENTION_STATUSES: readonly DocumentStatus[] = [
  'ready_for_validation',
  'pending_approval',
  'pending_second_approval',
  'on_hold',
  'error',
  'import_error',
  'export_error',
];

/** After one of these the workflow finishes once nothing is pending. */
export const TERMINAL_STATUSES: readonly DocumentStatus[] = ['exported', 'rejected', 'deleted'];

export const isIntervention = (s: DocumentStatus | undefined): boolean => !!s && INTERVENTION_STATUSES.includes(s);
export const isTerminal = (s: DocumentStatus | undefined): boolean => !!s && TERMINAL_STATUSES.includes(s);

/** English labels, used in subjects and pages where no localized label is given. */
export const STATUS_LABELS: Record<DocumentStatus, string> = {
  received: 'Received',
  processing: 'Processing',
  ready_for_validation: 'Ready for validation',
  pending_approval: 'Pending approval',
  pending_second_approval: 'Pending second approval',
  approved: 'Approved, waiting for export',
  exported: 'Processing completed',
  rejected: 'Rejected',
  on_hold: 'On hold',
  error: 'Processing error',
  import_error: 'Import error',
  export_error: 'Export error',
  deleted: 'Deleted',
};
