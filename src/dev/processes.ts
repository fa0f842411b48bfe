/**
 * Looking at other processes by pid: whether one runs, its arguments and its parent (from /proc, Linux).
 * Used to tell a live `docnotify dev` from a stale pid, and a leftover service from an unrelated process
 * that got its pid.
 */
import fs from 'node:fs';

/** Whether a process with this pid exists (signal 0; EPERM means it exists but belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether /proc can be read here (Linux); elsewhere only `isAlive` can be checked. */
export function hasProc(): boolean {
  return fs.existsSync('/proc/self/cmdline');
}

/** The arguments of process `pid` (`/proc/<pid>/cmdline`); `[]` for a zombie, undefined when there is no such process. */
export function commandLine(pid: number): string[] | undefined {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
  } catch {
    return undefined;
  }
}

/** The parent pid of process `pid` (`/proc/<pid>/status`), undefined when unknown. */
export function parentPid(pid: number): number | undefined {
  try {
    const match = /^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
