/** The English words of the action pages (`/actions/…`, src/web/actions); the shape is `ActionWords`. */
import type { ActionWords } from '../../actions/words';

export default {
  facts: {
    document: 'Document',
    type: 'Type',
    status: 'Status',
    invoice: 'Invoice number',
    supplier: 'Supplier',
    amount: 'Amount',
    due: 'Due date',
    assignee: 'Assigned to',
    recipient: 'Link sent to',
    reason: 'Reason',
  },
  confirm: {
    approve: { title: 'Approve this document?', lead: 'You are about to approve {document} as {recipient}.' },
    reject: {
      title: 'Reject this document?',
      lead: 'You are about to reject {document} as {recipient}. Please say why.',
    },
    validate: {
      title: 'Validate this document?',
      lead: 'You are about to mark {document} as validated, as {recipient}.',
    },
    snooze: { title: 'Postpone the reminders?', lead: 'Reminders about {document} pause for the time you choose.' },
  },
  openTitle: 'Document {document}',
  openLead: 'The current state of {document}.',
  nothingYet: 'Nothing changes until you press the button.',
  reasonLabel: 'Reason for rejecting (required)',
  reasonRequired: 'Please give a reason for rejecting.',
  snoozeLabel: 'Postpone the reminders by',
  snoozeRequired: 'Please choose one of the durations offered.',
  snoozeChoices: { '1h': '1 hour', '4h': '4 hours', '1d': '1 day', '3d': '3 days' },
  done: {
    approve: { title: 'Approved', text: '{document} was approved by {actor} on {at}.' },
    reject: { title: 'Rejected', text: '{document} was rejected by {actor} on {at}.' },
    validate: { title: 'Validated', text: '{document} was marked as validated by {actor} on {at}.' },
    snooze: { title: 'Reminders postponed', text: 'Reminders about {document} are postponed by {duration}.' },
  },
  confirmationMail: 'A confirmation email is on its way. You can close this page.',
  nextReminder: 'Next reminder: {at}.',
  snoozeLimited: {
    cap: 'You asked for {asked}, but reminders can be postponed by at most {max} in total while this task is open: they are postponed by {applied}.',
    due_date:
      'You asked for {asked}, but reminders are not postponed past the due date: they are postponed by {applied}.',
  },
  alreadyTitle: 'Already decided',
  already: 'Already {decision} by {actor} on {at}.',
  decided: { approve: 'approved', reject: 'rejected', validate: 'validated' },
  openInSystem: 'Open in the document system',
  openAgain: 'Open the link again',
  problems: {
    invalid: {
      title: 'This link is not valid',
      text: 'The link may have been cut off or changed. Copy the complete link from the email, or act in the document system.',
    },
    forged: {
      title: 'This link is not valid',
      text: 'The link was not issued by docnotify or has been changed. Use the link from the email, or act in the document system.',
    },
    expired: {
      title: 'This link has expired',
      text: 'Action links work for a limited time. Use the link in a more recent email, or act in the document system.',
    },
    retired: {
      title: 'This link is no longer valid',
      text: 'It was signed with a key that has since been withdrawn. Use the link in a more recent email, or act in the document system.',
    },
    notFound: { title: 'Document not found', text: 'docnotify no longer knows this document.' },
    reassigned: {
      title: 'This task was reassigned',
      text: 'The document was assigned to someone else after this email was sent, so this link no longer works.',
    },
    stale: {
      title: 'This task is no longer open',
      text: 'The document has moved on; there is nothing left to decide with this link.',
    },
    wrongRecipient: {
      title: 'This link is not for this task',
      text: 'The link was sent to {recipient}, who is not among the people asked to act on this task.',
    },
    badRequest: { title: 'That did not work', text: '{reason}' },
    crossSite: {
      title: 'Request refused',
      text: 'For your protection nothing was done: the request did not come from this page. Open the link from the email again and press the button there.',
    },
    formExpired: {
      title: 'This page has expired',
      text: 'The page was open for too long. Open the link again and press the button.',
    },
    tooMany: {
      title: 'Too many requests',
      text: 'This link was opened too often in a short time. Please wait a minute and try again.',
    },
    unavailable: {
      title: 'Temporarily unavailable',
      text: 'docnotify could not reach the document right now. Nothing was changed; please try again in a few minutes.',
    },
    disabled: {
      title: 'Action links are not enabled',
      text: 'This docnotify server does not accept action links. Act in the document system instead.',
    },
    nothingToSubmit: { title: 'Nothing to submit', text: 'This link only shows the document.' },
    snoozeUsed: {
      title: 'This link was already used',
      text: 'Each link postpones the reminders once, and this one already did. Use the link in a more recent email, or act in the document system.',
    },
    snoozeLimit: {
      title: 'Reminders cannot be postponed further',
      text: 'They were already postponed by the most allowed while this task is open ({max} in total). Please decide, or act in the document system.',
    },
    snoozeDue: {
      title: 'Reminders cannot be postponed',
      text: 'The document is due now or within a minute: reminders are not postponed past its due date.',
    },
  },
  footer: 'docnotify · this page was opened from a link sent to {recipient}',
} satisfies ActionWords;
