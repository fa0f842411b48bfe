import type { Logger } from 'pino';
import type { DocnotifyClient } from '../client';
import type { Config } from '../config';
import type { Stores } from '../store';

/** What the web server's routes are given: configuration, the Temporal client, the stores and the log. */
export interface WebDeps {
  config: Config;
  client: DocnotifyClient;
  stores: Stores;
  log: Logger;
  /** Sends a test email now (template "Send test"). */
  sendTest: (input: {
    tenantId: string;
    template: string;
    documentType: string;
    to: string;
    locale?: string;
    fields: Record<string, string>;
  }) => Promise<{ status: string; messageId?: string; detail?: string }>;
}
