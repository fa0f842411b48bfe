/**
 * The words of the action pages: the shape of each locale's catalogue (`src/web/locales/<locale>/actions.ts`) and the
 * names its keys are made of. Strings may hold `{name}` placeholders, filled by `Say` (in bold) or `fill` (plain).
 */

/** Durations a person can snooze for, as offered on the page (values are `parseDuration` strings). */
export const SNOOZE_CHOICES = ['1h', '4h', '1d', '3d'] as const;

/** One of {@link SNOOZE_CHOICES}. */
export type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

/** Longest rejection reason accepted (the same bound as an event's `reason`). */
export const MAX_REASON_LENGTH = 2000;

/** The actions of a link that decide its task. */
export type Decidable = 'approve' | 'reject' | 'validate';

/** The actions of a link whose page has a form (an `open` link only shows the document). */
export type FormAction = Decidable | 'snooze';

/** The problem pages (the `ActionPage`s of src/domain/failures.ts but `alreadyDecided`, and the web's own). */
export type Problem =
  | 'invalid'
  | 'forged'
  | 'expired'
  | 'retired'
  | 'notFound'
  | 'reassigned'
  | 'stale'
  | 'wrongRecipient'
  | 'badRequest'
  | 'crossSite'
  | 'formExpired'
  | 'tooMany'
  | 'unavailable'
  | 'disabled'
  | 'nothingToSubmit'
  | 'snoozeUsed'
  | 'snoozeLimit'
  | 'snoozeDue';

/** A page's heading and the notice under it. */
export interface TitledText {
  title: string;
  text: string;
}

/** One locale's words of the action pages. */
export interface ActionWords {
  /** Labels of the document's facts list. */
  facts: {
    document: string;
    type: string;
    status: string;
    invoice: string;
    supplier: string;
    amount: string;
    due: string;
    assignee: string;
    recipient: string;
    reason: string;
  };
  /** The confirmation page of each action ({document}, {recipient}). */
  confirm: Record<FormAction, { title: string; lead: string }>;
  openTitle: string;
  openLead: string;
  nothingYet: string;
  reasonLabel: string;
  reasonRequired: string;
  snoozeLabel: string;
  snoozeRequired: string;
  snoozeChoices: Record<SnoozeChoice, string>;
  /** The result page of each action ({document}, {actor}, {at}; {duration} for a snooze). */
  done: Record<FormAction, TitledText>;
  confirmationMail: string;
  nextReminder: string;
  /** A snooze shortened by the total cap or the due date ({asked}, {applied}, {max}). */
  snoozeLimited: Record<'cap' | 'due_date', string>;
  alreadyTitle: string;
  already: string;
  decided: Record<string, string>;
  openInSystem: string;
  openAgain: string;
  problems: Record<Problem, TitledText>;
  footer: string;
}
