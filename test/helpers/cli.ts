import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Config } from '../../src/config';

const BIN = path.resolve(__dirname, '../../bin/docnotify');

/** Runs the real CLI as a separate process with the test's configuration. */
export function runCli(
  args: string[],
  config: Config,
  extraEnv: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DOCNOTIFY_NO_DEV_ENV: '1',
    };
    for (const [k, v] of Object.entries(config)) if (v !== undefined && v !== null) env[k] = String(v);
    const child = spawn(BIN, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
