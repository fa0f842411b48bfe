import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { commandLine, hasProc, isAlive } from '../dev/processes';

/** Where `docnotify dev` keeps its data and writes the URLs of the services it started: DOCNOTIFY_DEV_DIR, default `.docnotify/` of the checkout. */
export function devDir(): string {
  return path.resolve(process.env.DOCNOTIFY_DEV_DIR || path.join(__dirname, '../../.docnotify'));
}

/** The running `docnotify dev`'s service URLs, for CLI commands in another terminal; removed when it stops. */
export function devEnvFile(): string {
  return path.join(devDir(), 'dev.env');
}

/** The variable in dev.env that holds the pid of the `docnotify dev` that wrote it. */
export const DEV_PID_VARIABLE = 'DOCNOTIFY_DEV_PID';

/** Whether `pid` is a running `docnotify dev` (its arguments end in `cli/main.ts dev` or `cli/main.js dev`; without /proc: alive). */
export function isRunningDev(pid: number): boolean {
  if (!isAlive(pid)) return false;
  if (!hasProc()) return true;
  const args = commandLine(pid) ?? [];
  return args.includes('dev') && args.some((a) => /cli[\\/]main\.[jt]s$/.test(a));
}

/**
 * The variables of a dev.env file while the `docnotify dev` that wrote it runs; undefined when its pid is missing or
 * is no running `docnotify dev` (a killed one leaves its file behind, with URLs of services that may be gone).
 */
export function liveDevEnv(
  text: string,
  isDev: (pid: number) => boolean = isRunningDev,
): Record<string, string> | undefined {
  const vars = dotenv.parse(text);
  const pid = Number(vars[DEV_PID_VARIABLE]);
  return Number.isInteger(pid) && pid > 0 && isDev(pid) ? vars : undefined;
}

/** The live dev.env of DOCNOTIFY_DEV_DIR (see `liveDevEnv`), undefined when there is none. */
export function readDevEnv(): Record<string, string> | undefined {
  try {
    return liveDevEnv(readFileSync(devEnvFile(), 'utf8'));
  } catch {
    return undefined; // no file
  }
}

/**
 * Loads `.env` from the working directory, then (`devEnv`) the running `docnotify dev`'s service URLs, without
 * overriding variables already set, so CLI commands in another terminal reach the local system. `docnotify dev`
 * itself passes `devEnv: false`: it must start its services, not take over another run's URLs as configuration.
 */
export function loadEnvFiles(opts: { devEnv: boolean }): void {
  if (existsSync('.env')) dotenv.config({ path: '.env', quiet: true });
  if (!opts.devEnv || process.env.DOCNOTIFY_NO_DEV_ENV) return;
  for (const [key, value] of Object.entries(readDevEnv() ?? {})) process.env[key] ??= value;
}
