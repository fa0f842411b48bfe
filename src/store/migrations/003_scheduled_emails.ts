import type { Migration } from '../migration';

/**
 * `scheduled`: an email rendered and claimed ahead of its planned instant (SEND_AHEAD), waiting in its activity.
 * It becomes `sending` at the instant, unless the document changed first and the workflow withdrew it (the row is
 * then deleted, so the same notification planned again later claims it anew).
 */
export const scheduledEmails: Migration = {
  name: '003_scheduled_emails',
  up: `
    ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
    ALTER TABLE notifications ADD CONSTRAINT notifications_status_check CHECK (status IN ('scheduled', 'sending', 'sent', 'failed', 'skipped'));
  `,
};
