import { spawn } from 'node:child_process';
import { DEV_PID_VARIABLE, isRunningDev, liveDevEnv } from '../../src/cli/env';

const file = (pid: string | undefined) =>
  `${pid === undefined ? '' : `${DEV_PID_VARIABLE}=${pid}\n`}TEMPORAL_ADDRESS=127.0.0.1:7233\nDATABASE_URL=postgres://postgres:docnotify@127.0.0.1:5433/docnotify\n`;

describe('liveDevEnv: dev.env counts only while the docnotify dev that wrote it runs', () => {
  test('the pid runs a dev: its variables', () => {
    const asked: number[] = [];
    const vars = liveDevEnv(file('4242'), (pid) => asked.push(pid) > 0);
    expect(asked).toEqual([4242]);
    expect(vars).toEqual({
      [DEV_PID_VARIABLE]: '4242',
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      DATABASE_URL: 'postgres://postgres:docnotify@127.0.0.1:5433/docnotify',
    });
  });

  test('the pid runs no dev (killed, or the pid reused): nothing', () => {
    expect(liveDevEnv(file('4242'), () => false)).toBeUndefined();
  });

  test.each([
    ['no pid (a file from before pids were recorded)', undefined],
    ['empty', ''],
    ['not a number', 'abc'],
    ['zero', '0'],
    ['negative', '-5'],
    ['fractional', '12.5'],
  ])('pid %s: nothing, and no process is asked about', (_what, pid) => {
    const asked: number[] = [];
    expect(liveDevEnv(file(pid), (p) => asked.push(p) > 0)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});

describe('isRunningDev', () => {
  test('a running `node .../cli/main.ts dev` is one; another live process, or a finished one, is not', async () => {
    // A process that looks like `docnotify dev` to /proc (argv: node -e <script> /x/src/cli/main.ts dev), without running it.
    const dev = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', '/x/src/cli/main.ts', 'dev'], {
      stdio: 'ignore',
    });
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', '/x/src/cli/main.ts', 'status'], {
      stdio: 'ignore',
    });
    try {
      expect(isRunningDev(dev.pid!)).toBe(true);
      expect(isRunningDev(other.pid!)).toBe(false);
      expect(isRunningDev(process.pid)).toBe(false);
    } finally {
      dev.kill('SIGKILL');
      other.kill('SIGKILL');
    }
    await new Promise((resolve) =>
      dev.exitCode !== null || dev.signalCode !== null ? resolve(undefined) : dev.once('exit', resolve),
    );
    expect(isRunningDev(dev.pid!)).toBe(false);
  });
});
