import { randomUUID } from 'node:crypto';
import { createActivities, type SendResult } from '../activities';
import { required, type Config } from '../config';
import { createLogger } from '../log';
import type { Stores } from '../store';
import { sampleValues } from './render';
import { rawSampleFields } from './values';
import { Mailer } from './transport';

export interface TestSendInput {
  tenantId: string;
  template: string;
  documentType: string;
  to: string;
  locale?: string;
  fields: Record<string, string>;
}

/** "Send test": renders a template with sample values (given fields over the built-in samples) and sends it now. */
export async function sendTestEmail(
  config: Config,
  stores: Stores,
  input: TestSendInput,
  mailer?: Mailer,
): Promise<SendResult> {
  const own = mailer ?? new Mailer({ ...config, SMTP_URL: required(config, 'SMTP_URL', 'to send a test email') });
  try {
    const samples = Object.fromEntries(
      Object.entries(rawSampleFields(sampleValues()))
        .filter(([, v]) => typeof v === 'string' || typeof v === 'number')
        .map(([k, v]) => [k, String(v)]),
    );
    const activities = createActivities({
      config,
      ...stores,
      mailer: own,
      log: createLogger(config.LOG_LEVEL, 'test-send'),
    });
    return await activities.sendTest({ ...input, fields: { ...samples, ...input.fields }, nonce: randomUUID() });
  } finally {
    if (!mailer) own.close();
  }
}
