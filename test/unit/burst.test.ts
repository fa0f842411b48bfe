import { Burst } from '../../src/activities/burst';

const later = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

test('a send of a burst completes once the whole burst is sent', async () => {
  const burst = new Burst(5_000);
  const done: string[] = [];
  const quick = burst.send(async () => 'quick').then((v) => done.push(v));
  const slow = burst.send(async () => (await later(100), 'slow')).then((v) => done.push(v));
  await later(50);
  expect(done).toEqual([]); // the quick one was sent, but waits for the slow one
  await Promise.all([quick, slow]);
  expect(done.sort()).toEqual(['quick', 'slow']);
});

test('a send waits at most maxDeferMs for the rest of the burst', async () => {
  const burst = new Burst(50);
  const stuck = burst.send(() => later(1_000));
  const t0 = Date.now();
  await burst.send(async () => undefined);
  expect(Date.now() - t0).toBeLessThan(500);
  await stuck;
});

test('a failed send still leaves the burst and rethrows', async () => {
  const burst = new Burst(5_000);
  await expect(burst.send(async () => Promise.reject(new Error('421 try later')))).rejects.toThrow('421');
  await expect(burst.send(async () => 'next')).resolves.toBe('next');
});
