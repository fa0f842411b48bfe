/**
 * The chaos suite's child processes: docnotify workers (test/chaos/worker.ts) and the web server (`bin/docnotify
 * serve`), each with its output in a log file of the run folder. Only processes started here are ever signalled,
 * by their own pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '../..');
const TSX = pathToFileURL(require.resolve('tsx')).href;

export interface Proc {
  name: string;
  child: ChildProcess;
  log: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const alive = (c: ChildProcess): boolean => c.exitCode === null && c.signalCode === null;

function spawnProc(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, cwd: string): Proc {
  const log = path.join(logDir, `${name}.log`);
  fs.appendFileSync(log, `\n=== ${new Date().toISOString()} start ${name}\n`);
  const fd = fs.openSync(log, 'a');
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', fd] });
  fs.closeSync(fd);
  child.stdout!.on('data', (d: Buffer) => fs.appendFileSync(log, d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, child, log, exited };
}

const tailOf = (file: string, lines = 15): string => {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/** A worker process; resolves once it printed `ready` (it polls then). */
export async function startWorkerProc(
  name: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  timeoutMs = 120_000,
): Promise<Proc> {
  const p = spawnProc(name, ['--import', TSX, path.join(__dirname, 'worker.ts')], env, logDir, ROOT);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready after ${timeoutMs / 1000} s:\n${tailOf(p.log)}`)),
      timeoutMs,
    );
    p.child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void p.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${tailOf(p.log)}`));
    });
  });
  return p;
}

/** `bin/docnotify serve` (the CLI as shipped) in `cwd` (no `.env` of the checkout is read); resolves once it answers HTTP. */
export async function startWebProc(
  name: string,
  env: NodeJS.ProcessEnv,
  logDir: string,
  cwd: string,
  port: number,
  timeoutMs = 120_000,
): Promise<Proc> {
  const p = spawnProc(name, ['--import', TSX, path.join(ROOT, 'src/cli/main.ts'), 'serve'], env, logDir, cwd);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive(p.child))
      throw new Error(
        `${name} exited (${p.child.exitCode ?? p.child.signalCode}) before it answered:\n${tailOf(p.log)}`,
      );
    const up = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) }).then(
      () => true,
      () => false,
    );
    if (up) return p;
    if (Date.now() > deadline) {
      p.child.kill('SIGKILL');
      throw new Error(`${name} did not answer on port ${port} after ${timeoutMs / 1000} s:\n${tailOf(p.log)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** SIGKILL, and wait for the exit. */
export async function kill(p: Proc): Promise<void> {
  if (alive(p.child)) p.child.kill('SIGKILL');
  await p.exited;
}

/** SIGTERM, SIGKILL after `graceMs`; waits for the exit. */
export async function stop(p: Proc, graceMs = 10_000): Promise<void> {
  if (!alive(p.child)) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (alive(p.child)) p.child.kill('SIGKILL');
  }, graceMs);
  await p.exited;
  clearTimeout(timer);
}

export { alive, tailOf };
