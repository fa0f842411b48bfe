/**
 * The cluster tier through its second web process (src/dev/cluster.ts runs two `docnotify serve` beside two
 * workers, all on the real Temporal server): a rule edit made there reaches the running workflows, and a decision
 * made from an email's action link there is applied. Links in emails point at PUBLIC_BASE_URL (the first web
 * process); the second serves the same paths with the same keys, as any web process behind a load balancer would.
 */
import { DocnotifyClient } from '../../src/client';
import { linksIn } from '../helpers/browser';
import { eventually, uid } from '../helpers/env';
import { api, clusterEnv, inParallel, mailHtml, mailTo, waitForMailTo } from './helpers';

const env = clusterEnv();
let client: DocnotifyClient;

beforeAll(async () => {
  client = await DocnotifyClient.connect({
    address: env.temporalAddress,
    namespace: env.namespace,
    taskQueue: env.taskQueue,
  });
});
afterAll(async () => {
  await client?.close();
});

test('a rule edit through the second web process reaches the running workflows: the new delay is planned and the emails go out', async () => {
  const tenant = uid('cedit');
  const to = `${tenant}@example.com`;
  const [web1, web2] = env.webUrls;
  const spec = {
    name: 'Approval',
    trigger: { status: 'pending_approval' },
    delay: '1h',
    recipients: { assignee: false, addresses: [to] },
  };
  const rule = await api<{ id: string; version: number }>(web1, 'POST', `/rules?tenant=${tenant}`, spec);
  const documents = Array.from({ length: 10 }, (_, i) => `EDIT-${i + 1}`);
  await inParallel(documents, 5, (d) =>
    api(web1, 'POST', `/documents/${d}/events`, {
      type: 'status_changed',
      tenantId: tenant,
      status: 'pending_approval',
    }),
  );
  // Planned an hour out with the rules as created.
  const before = await eventually(
    async () => {
      const views = await Promise.all(documents.map((d) => client.getState(d, tenant)));
      return views.every((v) => v.pending.some((p) => p.kind === 'first')) ? views : undefined;
    },
    'every document planned',
    60_000,
    500,
  );
  const hour = Date.parse(before[0].pending.find((p) => p.kind === 'first')!.at) - Date.parse(before[0].statusSince!);
  expect(hour).toBe(3_600_000);
  expect(await mailTo(to)).toHaveLength(0);

  const t0 = Date.now();
  const updated = await api<{ version: number; delay: unknown }>(web2, 'PUT', `/rules/${rule.id}?tenant=${tenant}`, {
    ...spec,
    delay: '2s',
  });
  const httpMs = Date.now() - t0;
  expect(updated.version).toBe(rule.version + 1);
  // The second web process told the workflows: each re-plans (2 s after its status change, i.e. now) and sends.
  const mails = await waitForMailTo(to, documents.length, 90_000);
  const tMail = Date.now();
  expect(new Set(mails.map((m) => m.MessageID)).size).toBe(documents.length);
  const after = await Promise.all(documents.map((d) => client.getState(d, tenant)));
  for (const v of after) {
    expect(v.emailCount).toBe(1);
    expect(v.rulesVersion).toBeGreaterThan(before[0].rulesVersion ?? 0);
  }
  console.log(
    `cluster rule edit through web 2: PUT answered in ${httpMs} ms; ${documents.length} documents re-planned and emailed ${((tMail - t0) / 1000).toFixed(1)} s after it`,
  );
}, 180_000);

test('an action link from an email, opened and posted on the second web process, applies the decision', async () => {
  const tenant = uid('caction');
  const to = `${uid('ana')}@example.com`;
  const [web1, web2] = env.webUrls;
  const doc = 'INV-ACT-1';
  await api(web1, 'POST', `/rules?tenant=${tenant}`, {
    name: 'Approval',
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'reject'],
    recipients: { assignee: true },
  });
  await api(web1, 'POST', `/documents/${doc}/events`, [
    { type: 'assigned', tenantId: tenant, assignee: to },
    { type: 'status_changed', tenantId: tenant, status: 'pending_approval' },
  ]);
  const [mail] = await waitForMailTo(to, 1, 60_000);
  const approve = linksIn(await mailHtml(mail.ID))
    .map((h) => new URL(h))
    .find(
      (u) =>
        /^\/actions\/[^/]+$/.test(u.pathname) &&
        u.pathname.length > 50 &&
        JSON.parse(Buffer.from(u.pathname.split('/')[2].split('.')[2], 'base64url').toString()).a === 'approve',
    );
  expect(approve).toBeDefined();
  expect(approve!.origin).toBe(new URL(env.publicBaseUrl).origin); // the link names the first web process
  await eventually(async () => (await client.getState(doc, tenant)).task?.recipients.includes(to), 'the task recorded');

  // The same path on the second web process.
  const url = `${web2}${approve!.pathname}${approve!.search}`;
  const page = await fetch(url);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(html).toContain('Approve this document?');
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  expect(csrf).toBeDefined();
  const posted = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: web2 },
    body: new URLSearchParams({ csrf: csrf! }).toString(),
  });
  const result = await posted.text();
  expect({ status: posted.status, approved: result.includes('Approved') }).toEqual({ status: 200, approved: true });
  const state = await eventually(
    async () => {
      const s = await client.getState(doc, tenant);
      return s.task?.decision ? s : undefined;
    },
    'the decision in the workflow',
    30_000,
  );
  expect(state.task?.decision).toMatchObject({ action: 'approve', actor: to });
}, 120_000);
