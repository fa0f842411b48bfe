import type { Stores } from '../../src/store';
import { eventually, sleep, testConfig } from '../helpers/env';
import { waitForMail } from '../helpers/mailpit';
import { address, countMail, Scenario } from '../helpers/scenario';
import { startTestWorker } from '../helpers/worker';

const config = testConfig();
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let stores: Stores;
let s: Scenario;

beforeAll(async () => {
  worker = await startTestWorker(config);
  stores = worker.stores;
  s = await Scenario.create(config, stores);
});
afterAll(async () => {
  await s?.close();
  await worker?.stop();
});

describe('delay: "still in the status" when the timer fires', () => {
  test.concurrent('the status changes before the delay ends → no email', async () => {
    const to = address('delay-no');
    await s.rule({
      name: 'Delay no',
      trigger: { status: 'pending_approval' },
      delay: '4s',
      recipients: { assignee: false, addresses: [to] },
    });
    await s.status('D1', 'pending_approval');
    await sleep(1500);
    await s.status('D1', 'approved');
    await sleep(5000);
    expect(await countMail(to)).toEqual([0]);
  });

  test.concurrent('the status stays → exactly one email', async () => {
    const to = address('delay-yes');
    await s.rule({
      name: 'Delay yes',
      trigger: { status: 'on_hold' },
      delay: '2s',
      recipients: { assignee: false, addresses: [to] },
    });
    await s.status('D2', 'on_hold');
    await sleep(1000);
    expect(await countMail(to)).toEqual([0]);
    await waitForMail(to, 1);
    await sleep(3000);
    expect(await countMail(to)).toEqual([1]);
  });
});

describe('repeat until the status changes, at most maxCount times', () => {
  test.concurrent.each([
    [5, 4],
    [2, 3],
  ])('stays for 3.5 intervals with max %i → exactly %i emails', async (maxCount, expected) => {
    const to = address(`repeat${maxCount}`);
    await s.rule({
      name: `Repeat ${maxCount}`,
      documentType: `rep${maxCount}`,
      trigger: { status: 'ready_for_validation' },
      delay: '0s',
      repeat: { interval: '3s', maxCount },
      recipients: { assignee: false, addresses: [to] },
    });
    await s.event(`R${maxCount}`, {
      type: 'status_changed',
      status: 'ready_for_validation',
      documentType: `rep${maxCount}`,
    });
    await sleep(10_500); // 3.5 intervals: first at 0, reminders at 3, 6, 9 s
    await s.event(`R${maxCount}`, { type: 'status_changed', status: 'approved', documentType: `rep${maxCount}` });
    await sleep(4000);
    expect(await countMail(to)).toEqual([expected]);
  });
});

describe('reassignment', () => {
  test.concurrent('with resend → the new assignee is emailed at once; without → not', async () => {
    const [a1, a2, b1, b2] = [address('ra1'), address('ra2'), address('rb1'), address('rb2')];
    await s.rule({
      name: 'Resend',
      documentType: 'resend',
      trigger: { status: 'pending_approval' },
      resendOnReassignment: true,
    });
    await s.rule({
      name: 'No resend',
      documentType: 'noresend',
      trigger: { status: 'pending_approval' },
      resendOnReassignment: false,
    });
    for (const [doc, type, first] of [
      ['RA', 'resend', a1],
      ['RB', 'noresend', b1],
    ] as const) {
      await s.event(doc, { type: 'assigned', assignee: first, documentType: type });
      await s.event(doc, { type: 'status_changed', status: 'pending_approval', documentType: type });
    }
    await waitForMail(a1);
    await waitForMail(b1);
    await s.event('RA', { type: 'assigned', assignee: a2, documentType: 'resend' });
    await s.event('RB', { type: 'assigned', assignee: b2, documentType: 'noresend' });
    const [mail] = await waitForMail(a2, 1, 15_000);
    expect(mail.Subject).toContain('RA');
    await sleep(3000);
    expect(await countMail(a1, a2, b1, b2)).toEqual([1, 1, 1, 0]);
  });
});

describe('recipients', () => {
  test('each source reaches the right address; a group reaches every member; an out-of-office user reaches the substitute', async () => {
    const t = s.tenantId;
    const [ana, bob, carl, dora, subst, fixed, fromField, roleUser] = [
      'ana',
      'bob',
      'carl',
      'dora',
      'subst',
      'fixed',
      'field',
      'role',
    ].map((n) => address(n));
    await stores.directory.putUser(t, { id: 'ana', email: ana, name: 'Ana' });
    await stores.directory.putUser(t, { id: 'bob', email: bob });
    await stores.directory.putUser(t, { id: 'carl', email: carl });
    await stores.directory.putUser(t, { id: 'dora', email: dora, outOfOffice: true, substituteId: 'subst' });
    await stores.directory.putUser(t, { id: 'subst', email: subst });
    await stores.directory.putUser(t, { id: 'rita', email: roleUser, roles: ['controller'] });
    await stores.directory.putGroup(t, { id: 'ap-team', members: ['bob', 'carl'] });
    await s.rule({ name: 'User', documentType: 'u', trigger: { status: 'error' } });
    await s.rule({ name: 'Group', documentType: 'g', trigger: { status: 'error' } });
    await s.rule({ name: 'Away', documentType: 'o', trigger: { status: 'error' } });
    await s.rule({
      name: 'Others',
      documentType: 'x',
      trigger: { status: 'error' },
      recipients: { assignee: false, addresses: [fixed], roles: ['controller'], fields: ['approver_email'] },
    });
    const send = async (doc: string, type: string, events: Record<string, unknown>[]) => {
      for (const e of events) await s.event(doc, { ...e, documentType: type });
    };
    await send('U1', 'u', [
      { type: 'assigned', assignee: 'ana' },
      { type: 'status_changed', status: 'error' },
    ]);
    await send('G1', 'g', [
      { type: 'assigned', assignee: 'ap-team' },
      { type: 'status_changed', status: 'error' },
    ]);
    await send('O1', 'o', [
      { type: 'assigned', assignee: 'dora' },
      { type: 'status_changed', status: 'error' },
    ]);
    await send('X1', 'x', [
      { type: 'fields_updated', fields: { approver_email: fromField } },
      { type: 'status_changed', status: 'error' },
    ]);
    for (const a of [ana, bob, carl, subst, fixed, fromField, roleUser]) await waitForMail(a);
    await sleep(2000);
    expect(await countMail(ana, bob, carl, dora, subst, fixed, fromField, roleUser)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
  });
});

test('a rule deactivated while reminders are pending sends nothing more', async () => {
  const to = address('deact');
  const rule = await s.rule({
    name: 'Deactivate me',
    documentType: 'deact',
    trigger: { status: 'on_hold' },
    repeat: { interval: '3s', maxCount: 10 },
    recipients: { assignee: false, addresses: [to] },
  });
  await s.event('DA', { type: 'status_changed', status: 'on_hold', documentType: 'deact' });
  await waitForMail(to, 2, 20_000);
  await stores.rules.setActive(s.tenantId, rule.id, false);
  const atDeactivation = (await countMail(to))[0];
  await sleep(8000);
  // At most one reminder may have been in flight when the rule changed; none after.
  expect((await countMail(to))[0]).toBeLessThanOrEqual(atDeactivation + 1);
  const settled = (await countMail(to))[0];
  await sleep(4000);
  expect((await countMail(to))[0]).toBe(settled);
  const state = await s.state('DA');
  expect(state.pending.filter((p) => p.ruleId === rule.id)).toEqual([]);
  expect(state.status).toBe('on_hold');
});

test('a duplicate eventId changes nothing; an older occurredAt status is recorded, not applied', async () => {
  const to = address('dup');
  await s.rule({
    name: 'Dup',
    documentType: 'dup',
    trigger: { status: 'pending_approval' },
    recipients: { assignee: false, addresses: [to] },
  });
  const now = Date.now();
  const ev = {
    type: 'status_changed',
    status: 'pending_approval',
    documentType: 'dup',
    eventId: 'evt-1',
    occurredAt: new Date(now).toISOString(),
  };
  await s.event('DU', ev);
  await waitForMail(to);
  await s.event('DU', ev);
  await s.event('DU', { ...ev, eventId: 'evt-0', status: 'error', occurredAt: new Date(now - 60_000).toISOString() });
  const state = await eventually(async () => {
    const st = await s.state('DU');
    return st.history.some((h) => h.kind === 'ignored') ? st : undefined;
  }, 'the stale event to be recorded');
  expect(state.status).toBe('pending_approval');
  expect(state.history.filter((h) => h.kind === 'event')).toHaveLength(1);
  expect(state.history.find((h) => h.kind === 'ignored')?.eventId).toBe('evt-0');
  await sleep(2000);
  expect(await countMail(to)).toEqual([1]);
});

test('bad data that reaches the workflow is recorded and ignored, never failing a workflow task', async () => {
  const to = address('bad');
  await s.rule({
    name: 'Bad data',
    documentType: 'bad',
    trigger: { status: 'error' },
    recipients: { assignee: false, addresses: [to] },
  });
  await s.event('BD', { type: 'status_changed', status: 'on_hold', documentType: 'bad' });
  const handle = s.client.temporal.workflow.getHandle(`document/${s.tenantId}/BD`);
  await handle.signal('documentEvent', { type: 'status_changed', status: 'nonsense', documentId: 'BD' });
  await handle.signal('documentEvent', 'not even an object');
  await s.event('BD', { type: 'status_changed', status: 'error', documentType: 'bad' });
  await waitForMail(to);
  const state = await s.state('BD');
  expect(state.history.filter((h) => h.kind === 'rejected')).toHaveLength(2);
  const history = await handle.fetchHistory();
  expect(history.events?.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
});
