/** The kinds of email docnotify sends, as the notification log and the document timeline name them. */

/** Every kind, in the order of the log's Kind filter. */
export const LOG_KINDS: { value: string; label: string }[] = [
  { value: 'first', label: 'First email' },
  { value: 'reminder', label: 'Reminder' },
  { value: 'escalation', label: 'Escalation' },
  { value: 'reassignment', label: 'Reassignment' },
  { value: 'event', label: 'Event' },
  { value: 'due_soon', label: 'Due-date reminder' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'decision', label: 'Decision confirmation' },
  { value: 'test', label: 'Test' },
  { value: 'smtp_failure_alert', label: 'Delivery failure alert' },
  { value: 'digest', label: 'Daily digest' },
  { value: 'storm_summary', label: 'Storm summary' },
];

/** "Reminder 2", "Escalation level 1", "First email". */
export function kindLabel(kind: string, seq: number): string {
  const base = LOG_KINDS.find((known) => known.value === kind)?.label ?? kind;
  if (kind === 'reminder' || kind === 'due_soon' || (kind === 'overdue' && seq > 0)) return `${base} ${seq}`;
  if (kind === 'escalation') return `Escalation level ${seq}`;
  return base;
}
