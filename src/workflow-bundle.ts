/**
 * How the workflow code is bundled, in one place: the worker, the replay tests, the history recorder and the
 * benchmark use the same options, so what they run is what production runs.
 *
 * The worker never bundles in its own process: webpack's hundred-odd megabytes would stay in its memory for good.
 * `npm run build` writes `dist/workflows.bundle.js` (used when present); otherwise (development, through tsx) a
 * short-lived child process bundles into a temporary file.
 *
 *   node --import tsx src/workflow-bundle.ts OUT.js    # what the child runs; `npm run build` runs the compiled one
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const workflowBundleOptions = {
  workflowsPath: require.resolve('./workflows'),
  /** Shared between cached workflows instead of evaluated per workflow (see workflows/preload.ts). */
  preloadModules: [require.resolve('./workflows/preload')],
};

/** The prebuilt bundle of `npm run build`, beside the compiled worker. */
const PREBUILT = path.join(__dirname, 'workflows.bundle.js');

/** The bundle for a worker: the prebuilt one, or one made now in a child process. */
export async function workflowBundlePath(): Promise<{ codePath: string }> {
  if (fs.existsSync(PREBUILT)) return { codePath: PREBUILT };
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-workflows-')), 'workflows.bundle.js');
  const args = [...process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')), __filename, out];
  await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return { codePath: out };
}

async function writeBundle(out: string): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  const bundle = await bundleWorkflowCode({ ...workflowBundleOptions, logger: quiet as never });
  fs.writeFileSync(out, bundle.code);
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write('usage: workflow-bundle OUT.js\n');
    process.exit(2);
  }
  writeBundle(out).catch((e: unknown) => {
    process.stderr.write(`bundling the workflow code failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
