/** The English words of the preferences pages (`/preferences/…`); the shape is `PreferenceWords`. */
import type { PreferenceWords } from '../../preferences/words';

export default {
  title: 'Email preferences',
  lead: 'Choose how docnotify emails {recipient} about documents.',
  kinds: {
    processing_completed: {
      label: 'Processing completed',
      hint: 'A document was exported, and other status news that asks nothing of you (received, approved, rejected, deleted).',
    },
    comments: { label: 'Comments', hint: 'Someone commented on a document.' },
    decision_confirmations: {
      label: 'Decision confirmations',
      hint: 'Confirmation that a document was approved, rejected or validated.',
    },
    escalation_copies: {
      label: 'Escalation copies',
      hint: 'Copies of escalations about documents someone else has to act on.',
    },
    action_required: {
      label: 'Action required',
      hint: 'Documents waiting for you: approvals, validations, reminders, due dates, escalations to you.',
    },
  },
  modes: { immediate: 'Immediately', digest: 'In the digest', off: 'Off' },
  cannotOff: "Can't be turned off, only moved to the digest.",
  digestNote: 'The digest is one email on each working day at 08:00 your time, listing what waits for you.',
  save: 'Save preferences',
  saved: 'Your preferences were saved.',
  invalidChoice: 'Please choose one of the options offered for each kind.',
  unsubscribeTitle: 'Unsubscribe from {kind}?',
  unsubscribeLead: '{recipient} will no longer get "{kind}" emails. Nothing changes until you press the button.',
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'Unsubscribed',
  unsubscribedText: '{recipient} will no longer get "{kind}" emails.',
  oneClickMissing: 'This address only accepts the one-click unsubscribe request (List-Unsubscribe=One-Click).',
  allPreferences: 'All email preferences',
  nothingYet: 'Nothing changes until you press the button.',
  tooMany: {
    title: 'Too many requests',
    text: 'This link was opened too often in a short time. Please wait a minute and try again.',
  },
  unavailable: {
    title: 'Temporarily unavailable',
    text: 'docnotify could not read or save your preferences right now. Nothing was changed; please try again later.',
  },
  problems: {
    invalid: { title: 'This link is not valid', text: 'Copy the complete link from the email.' },
    forged: { title: 'This link is not valid', text: 'The link was not issued by docnotify or has been changed.' },
    expired: { title: 'This link has expired', text: 'Use the link in a more recent email.' },
    retired: {
      title: 'This link is no longer valid',
      text: 'It was signed with a key that has since been withdrawn. Use the link in a more recent email.',
    },
    disabled: { title: 'Preferences links are not enabled', text: 'This docnotify server signs no links.' },
    badKind: { title: 'Unknown kind of email', text: 'Open your email preferences to choose what you get.' },
    crossSite: {
      title: 'Request refused',
      text: 'For your protection nothing was changed: the request did not come from this page. Open the link from the email again.',
    },
    formExpired: {
      title: 'This page has expired',
      text: 'The page was open for too long. Open the link again and save.',
    },
  },
  footer: 'docnotify · preferences of {recipient}',
} satisfies PreferenceWords;
