/**
 * Bounded snoozes against the real thing (issue 12, point 5): Temporal dev server, the real worker, Mailpit,
 * PostgreSQL, and the action pages through `app.inject`. The first snooze link of each document comes from its
 * email in Mailpit; further links are signed with the worker's key, as the links of later emails are (each email
 * signs its own, with its own expiry). Days of postponement need no waiting: the answers, the history and the
 * planned instants (`pending`) say what a snooze did.
 */
import { randomUUID } from 'node:crypto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import { workflowIdFor } from '../../src/domain/events';
import { tokenFingerprint } from '../../src/links/redact';
import { Keyring, type LinkClaims } from '../../src/links/token';
import { buildServer } from '../../src/web/server';
import { SNOOZE_BOUNDED_SINCE, documentEventSignal } from '../../src/workflows/messages';
import type { DocumentView } from '../../src/workflows/types';
import { linksIn } from '../helpers/browser';
import { eventually, testConfig, uid, workflowBundle } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';
import { startTestWorker } from '../helpers/worker';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const config = testConfig();
const ORIGIN = new URL(config.PUBLIC_BASE_URL).origin;
const keyring = Keyring.fromString(config.ACTION_LINK_SECRET!);

let worker: Awaited<ReturnType<typeof startTestWorker>>;
let client: DocnotifyClient;
let app: FastifyInstance;

beforeAll(async () => {
  worker = await startTestWorker(config);
  client = await DocnotifyClient.connect({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TASK_QUEUE });
  app = await buildServer({
    config,
    client,
    stores: worker.stores,
    log: pino({ level: 'silent' }),
    sendTest: async () => ({ status: 'skipped' }),
  });
});

afterAll(async () => {
  await app?.close();
  await client?.close();
  await worker?.stop();
});

interface Doc {
  tenant: string;
  doc: string;
  to: string;
  /** The snooze link of the first email (from Mailpit). */
  token: string;
  claims: LinkClaims;
}

/**
 * A tenant with a rule (daily reminders, an escalation after the first reminder), a document waiting for approval,
 * and its first email. `version`: start the run as a build before bounded snoozes would have.
 */
async function openTask(opts: { dueInMs?: number; version?: number } = {}): Promise<Doc> {
  const tenant = uid('tenant');
  await worker.stores.tenants.put({ id: tenant, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  await worker.stores.rules.create({
    name: 'Approval',
    tenantId: tenant,
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'snooze'],
    recipients: { assignee: true },
    repeat: { interval: '1d', maxCount: 5 },
    escalation: [{ afterReminders: 1, addresses: [`${uid('boss')}@example.com`] }],
  });
  const doc = uid('INV');
  const to = `${uid('ana')}@example.com`;
  const base = { tenantId: tenant, documentId: doc } as const;
  if (opts.version !== undefined) {
    await client.temporal.workflow.signalWithStart('documentWorkflow', {
      workflowId: workflowIdFor(tenant, doc),
      taskQueue: config.TASK_QUEUE,
      args: [{ tenantId: tenant, documentId: doc, documentType: 'invoice', version: opts.version }],
      signal: documentEventSignal,
      signalArgs: [
        { eventId: randomUUID(), occurredAt: new Date().toISOString(), ...base, type: 'assigned', assignee: to },
      ],
    });
  } else {
    await client.sendEvent({ ...base, type: 'assigned', assignee: to });
  }
  if (opts.dueInMs !== undefined)
    await client.sendEvent({ ...base, type: 'due_date_set', dueAt: new Date(Date.now() + opts.dueInMs).toISOString() });
  await client.sendEvent({ ...base, type: 'status_changed', status: 'pending_approval' });
  const [mail] = await waitForMail(to);
  const token = linksIn((await message(mail.ID)).HTML)
    .map((href) => /\/actions\/([^/?#]+)$/.exec(new URL(href).pathname)?.[1])
    .find(
      (t) =>
        t &&
        keyring.verify(t, Date.now()).ok &&
        (keyring.verify(t, Date.now()) as { claims: LinkClaims }).claims.action === 'snooze',
    );
  if (!token) throw new Error('the first email has no snooze link that verifies');
  await eventually(
    async () => (await state({ tenant, doc } as Doc)).task?.recipients.includes(to),
    'the first email to be recorded',
  );
  return { tenant, doc, to, token, claims: (keyring.verify(token, Date.now()) as { claims: LinkClaims }).claims };
}

const state = (d: Doc): Promise<DocumentView> => client.getState(d.doc, d.tenant);
/** Another snooze link of the same task and recipient, as a later email would carry (its own expiry, so its own token). */
const anotherLink = (d: Doc, n: number): string =>
  keyring.sign({ ...d.claims, expiresAt: d.claims.expiresAt + n * 1000 });

let addresses = 0;
/** Opens the link's page and presses the button with `duration`, from a client address of its own. */
async function snoozeWith(token: string, duration: string): Promise<LightMyRequestResponse> {
  const remoteAddress = `10.7.${Math.floor(++addresses / 250)}.${addresses % 250}`;
  const page = await app.inject({ method: 'GET', url: `/actions/${token}`, remoteAddress });
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (!csrf) throw new Error(`no form on the snooze page (${page.statusCode}): ${page.body.slice(0, 300)}`);
  return app.inject({
    method: 'POST',
    url: `/actions/${token}`,
    remoteAddress,
    headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ csrf, duration }).toString(),
  });
}

/** The page's status, heading and whether it says `text`. */
function expectPage(res: LightMyRequestResponse, status: number, heading: string, ...texts: string[]): void {
  const h = /<h1>(.*?)<\/h1>/.exec(res.body)?.[1];
  expect({ status: res.statusCode, heading: h, says: texts.filter((t) => !res.body.includes(t)) }).toEqual({
    status,
    heading,
    says: [],
  });
}

const snoozes = (v: DocumentView) => v.history.filter((h) => h.kind === 'snooze').map((h) => h.text);
const pendingAt = (v: DocumentView, suffix: string): number | undefined => {
  const p = v.pending.find((x) => x.key.endsWith(suffix));
  return p ? Date.parse(p.at) : undefined;
};

test('a link snoozes once: the second snooze with the same link is refused, says why, and moves nothing', async () => {
  const d = await openTask();
  const first = await snoozeWith(d.token, '4h');
  expectPage(first, 200, 'Reminders postponed', '4 hours');
  const after = await state(d);
  expect(snoozes(after)).toEqual([`snoozed 14400s by ${d.to}`]);

  const second = await snoozeWith(d.token, '1d');
  expectPage(second, 409, 'This link was already used', 'Each link postpones the reminders once');
  const now = await state(d);
  expect(snoozes(now)).toEqual(snoozes(after));
  expect(now.pending).toEqual(after.pending);

  // The refusal is the workflow's (not only the page's): the same Update with the link's id is refused.
  const r = await client.snooze(
    d.doc,
    {
      taskId: d.claims.taskId,
      taskVersion: d.claims.taskVersion,
      duration: '1h',
      actor: d.to,
      linkId: tokenFingerprint(d.token),
    },
    d.tenant,
  );
  expect(r).toMatchObject({ ok: false, type: 'SnoozeLinkUsed', reason: expect.stringContaining('already used') });

  // Another link of the same task still snoozes.
  expectPage(await snoozeWith(anotherLink(d, 1), '1h'), 200, 'Reminders postponed', '1 hour');
  expect(snoozes(await state(d))).toEqual([`snoozed 14400s by ${d.to}`, `snoozed 3600s by ${d.to}`]);
});

test('4 × 3 days through four links postpone by 7 days in all: the third is clamped, the fourth refused; the escalation moves 7 days, not 12', async () => {
  const d = await openTask();
  const before = await state(d);
  const since = Date.parse(before.statusSince!);
  // Unsnoozed: reminder 1 one day after the first notice, the escalation after reminder 1 (two days).
  expect([pendingAt(before, ':reminder:1'), pendingAt(before, ':escalation:1')]).toEqual([
    since + DAY,
    since + 2 * DAY,
  ]);

  const links = [d.token, anotherLink(d, 1), anotherLink(d, 2), anotherLink(d, 3)];
  expectPage(await snoozeWith(links[0], '3d'), 200, 'Reminders postponed', 'postponed by <strong>3 days</strong>');
  expectPage(await snoozeWith(links[1], '3d'), 200, 'Reminders postponed', 'postponed by <strong>3 days</strong>');
  const third = await snoozeWith(links[2], '3d');
  expectPage(
    third,
    200,
    'Reminders postponed',
    'postponed by <strong>1 day</strong>',
    'at most <strong>7 days</strong> in total',
  );
  const fourth = await snoozeWith(links[3], '3d');
  expectPage(fourth, 409, 'Reminders cannot be postponed further', '<strong>7 days</strong> in total');

  const after = await state(d);
  expect(snoozes(after)).toEqual([
    `snoozed 259200s by ${d.to}`,
    `snoozed 259200s by ${d.to}`,
    `snoozed 86400s by ${d.to} (asked 3d; limited by the total of 7d)`,
  ]);
  expect([pendingAt(after, ':reminder:1'), pendingAt(after, ':escalation:1')]).toEqual([
    since + 8 * DAY,
    since + 9 * DAY,
  ]);
  expect(after.awaitingAction).toBe(true);
});

test('two days before the due date a 3-day snooze postpones by 2 days at most, and nothing is moved past the due date', async () => {
  const d = await openTask({ dueInMs: 2 * DAY });
  const before = await state(d);
  const due = Date.parse(before.dueAt!);
  const res = await snoozeWith(d.token, '3d');
  expectPage(
    res,
    200,
    'Reminders postponed',
    'postponed by <strong>2 days</strong>',
    'not postponed past the due date',
  );
  const after = await state(d);
  expect(snoozes(after)).toEqual([
    expect.stringMatching(new RegExp(`^snoozed \\d+(\\.\\d+)?s by ${d.to} \\(asked 3d; limited by the due date\\)$`)),
  ]);
  const shift = Number(/snoozed ([\d.]+)s/.exec(snoozes(after)[0])![1]) * 1000;
  expect(shift).toBeGreaterThan(2 * DAY - 5 * 60_000);
  expect(shift).toBeLessThanOrEqual(2 * DAY);
  // Nothing is moved past the due date: what was planned by it still is (reminder 1 waits until the due date), what
  // was planned after it (the escalation, two days after the status change that came after the due date was set) is
  // not moved.
  for (const p of before.pending) {
    const was = Date.parse(p.at);
    const now = pendingAt(after, p.key)!;
    expect({ key: p.key, at: now }).toEqual({ key: p.key, at: was <= due ? expect.any(Number) : was });
    if (was <= due) expect({ key: p.key, byDue: now <= due }).toEqual({ key: p.key, byDue: true });
  }
  expect(pendingAt(after, ':reminder:1')).toBe(due);
  expect(pendingAt(after, ':escalation:1')).toBe(pendingAt(before, ':escalation:1'));
  expect(pendingAt(before, ':escalation:1')).toBeGreaterThan(due);

  // A second link: nothing is left before the due date.
  expectPage(
    await snoozeWith(anotherLink(d, 1), '1h'),
    409,
    'Reminders cannot be postponed',
    'not postponed past its due date',
  );
  expect(snoozes(await state(d))).toHaveLength(1);
});

test(`a run started before bounded snoozes (version ${SNOOZE_BOUNDED_SINCE - 1}) takes them through patched('bounded-snooze'), and its history replays`, async () => {
  const d = await openTask({ version: SNOOZE_BOUNDED_SINCE - 1 });
  expectPage(await snoozeWith(d.token, '3d'), 200, 'Reminders postponed', '3 days');
  expectPage(await snoozeWith(d.token, '3d'), 409, 'This link was already used');
  const links = [anotherLink(d, 1), anotherLink(d, 2), anotherLink(d, 3)];
  const answers = [];
  for (const l of links) answers.push((await snoozeWith(l, '3d')).statusCode);
  expect(answers).toEqual([200, 200, 409]);
  const v = await state(d);
  expect(snoozes(v)).toEqual([
    `snoozed 259200s by ${d.to}`,
    `snoozed 259200s by ${d.to}`,
    `snoozed 86400s by ${d.to} (asked 3d; limited by the total of 7d)`,
  ]);

  const history = await client.temporal.workflow.getHandle(workflowIdFor(d.tenant, d.doc)).fetchHistory();
  const markers = (history.events ?? [])
    .filter((e) => e.markerRecordedEventAttributes)
    .flatMap((e) => Object.values(e.markerRecordedEventAttributes!.details ?? {}))
    .flatMap((p) => (p.payloads ?? []).map((x) => Buffer.from(x.data ?? []).toString('utf8')));
  expect(markers.filter((m) => m.includes('bounded-snooze'))).toHaveLength(1);
  const replayed = await Worker.runReplayHistory(
    { workflowBundle: await workflowBundle() },
    JSON.parse(historyToJSON(history)),
    workflowIdFor(d.tenant, d.doc),
  ).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  expect(replayed).toBe('ok');
});
