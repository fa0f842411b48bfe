/** One readiness check of /healthz (web server and worker): `ok`, or the first line of the error; no answer within 2 s counts as one. */
export async function probe(run: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 2 s')), 2000))),
    ]);
    return 'ok';
  } catch (e) {
    return (e as Error).message.split('\n')[0].slice(0, 200);
  } finally {
    clearTimeout(timer);
  }
}
