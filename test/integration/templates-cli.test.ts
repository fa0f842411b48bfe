import { runCli } from '../helpers/cli';
import { testConfig } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { address } from '../helpers/scenario';

const config = testConfig();

test('`templates test` renders with sample values in the chosen locale and sends; `log` shows it', async () => {
  const to = address('tpl');
  const r = await runCli(
    [
      'templates',
      'test',
      'status_pending_approval',
      '--to',
      to,
      '--locale',
      'de',
      '--field',
      'supplier_name=ACME <GmbH>',
      '--field',
      'invoice_id=R-77',
    ],
    config,
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^sent: <n\.[0-9a-f]{32}@test\.example>/);
  const [mail] = await waitForMail(to);
  const m = await message(mail.ID);
  expect(m.Subject).toMatch(/Freigabe erforderlich/);
  expect(m.HTML).toContain('ACME &lt;GmbH>');
  expect(m.Text).toContain('ACME <GmbH>');
  const log = await runCli(['log', '--recipient', to, '--json'], config);
  expect(log.code).toBe(0);
  expect(JSON.parse(log.stdout)).toMatchObject([{ kind: 'test', status: 'sent', recipient: to, subject: m.Subject }]);
  const table = await runCli(['log', '--recipient', to], config);
  expect(table.stdout).toMatch(/test\s+\S+\s+sent/);
});

test('`templates test` of an unknown template fails naming it; `log` refuses a bad --since', async () => {
  const r = await runCli(['templates', 'test', 'no_such_template', '--to', address('tpl')], config);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/template "no_such_template" does not exist/);
  const bad = await runCli(['log', '--since', 'last week'], config);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--since: "last week" is not an ISO-8601 timestamp/);
});
