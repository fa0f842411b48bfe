import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openStores, type Stores } from '../../src/store';
import { sleep, testConfig } from '../helpers/env';
import { messagesTo, waitForMail } from '../helpers/mailpit';
import { address, Scenario } from '../helpers/scenario';

const config = testConfig({ LOG_LEVEL: 'error' });
let stores: Stores;
let s: Scenario;

/** The real worker in its own process (test/helpers/crash-worker.ts), resolved once it polls. */
function startChildWorker(): Promise<ChildProcess> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const [k, v] of Object.entries(config)) if (v !== undefined && v !== null) env[k] = String(v);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../helpers/crash-worker.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

beforeAll(async () => {
  stores = await openStores(config.DATABASE_URL!, config, { max: 2 });
  s = await Scenario.create(config, stores);
});
afterAll(async () => {
  await s?.close();
  await stores?.db.end();
});

test('a worker killed (SIGKILL) during a delay and restarted still sends the email, once', async () => {
  const to = address('kill');
  await s.rule({
    name: 'Delayed',
    trigger: { status: 'on_hold' },
    delay: '6s',
    recipients: { assignee: false, addresses: [to] },
  });
  let worker = await startChildWorker();
  await s.status('K1', 'on_hold');
  await sleep(2000);
  worker.kill('SIGKILL');
  await new Promise((r) => worker.once('exit', r));
  await sleep(7000); // the delay ends while no worker runs
  expect(await messagesTo(to)).toHaveLength(0);
  worker = await startChildWorker();
  try {
    await waitForMail(to, 1, 60_000);
    await sleep(4000);
    expect(await messagesTo(to)).toHaveLength(1);
    const ledger = await stores.notifications.list({ tenantId: s.tenantId, documentId: 'K1' });
    expect(ledger.map((r) => [r.kind, r.status])).toEqual([['first', 'sent']]);
  } finally {
    worker.kill('SIGTERM');
  }
});
