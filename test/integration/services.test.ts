/**
 * The local services the integration tests run against answer: Temporal (with the document search
 * attributes), Mailpit (SMTP in, REST API out) and PostgreSQL. The services are started by the test
 * script (src/dev/stack.ts), which passes their addresses in the environment.
 */
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { SEARCH_ATTRIBUTES } from '../../src/dev/services';

function env(name: 'TEMPORAL_ADDRESS' | 'MAILPIT_URL' | 'DATABASE_URL' | 'SMTP_URL'): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run the integration tests through the test script, or start ` +
        '`node --import tsx src/dev/stack.ts --env-file FILE` and load FILE into the environment',
    );
  }
  return value;
}

interface MailpitMessages {
  total: number;
  messages: { ID: string; Subject: string; To: { Address: string }[] }[];
}

describe('local services', () => {
  test('Temporal answers and has every document search attribute with its type', async () => {
    const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const actual = Object.fromEntries(Object.keys(SEARCH_ATTRIBUTES).map((name) => [name, customAttributes?.[name]]));
      const expected = Object.fromEntries(
        Object.entries(SEARCH_ATTRIBUTES).map(([name, type]) => [
          name,
          encodeSearchAttributeIndexedValueType(type.toUpperCase() as 'KEYWORD' | 'BOOL' | 'INT' | 'DATETIME'),
        ]),
      );
      expect(actual).toEqual(expected);
    } finally {
      await connection.close();
    }
  });

  test('Mailpit lists messages as JSON', async () => {
    const response = await fetch(`${env('MAILPIT_URL')}/api/v1/messages`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as MailpitMessages;
    expect(typeof body.total).toBe('number');
    expect(Array.isArray(body.messages)).toBe(true);
  });

  test('a mail sent to SMTP_URL shows up in Mailpit', async () => {
    const to = `services-${randomUUID()}@example.test`;
    const subject = `services check ${randomUUID()}`;
    const transport = nodemailer.createTransport(env('SMTP_URL'));
    try {
      await transport.sendMail({ from: 'docnotify@example.test', to, subject, text: 'hello' });
    } finally {
      transport.close();
    }
    const query = encodeURIComponent(`to:"${to}"`);
    const response = await fetch(`${env('MAILPIT_URL')}/api/v1/search?query=${query}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as MailpitMessages;
    expect(body.messages.map((m) => [m.Subject, m.To.map((t) => t.Address)])).toEqual([[subject, [to]]]);
  });

  test('PostgreSQL answers select 1', async () => {
    const client = new pg.Client({ connectionString: env('DATABASE_URL') });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number }>('select 1 as one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  });
});
