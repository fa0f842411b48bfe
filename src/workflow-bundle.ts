/**
 * How the workflow code is bundled, in one place: the worker, the replay tests, the history recorder and the
 * benchmark use the same options, so what they run is what production runs.
 *
 * The worker never bundles in its own process: webpack's hundred-odd megabytes would stay in its memory for good.
 * `npm run build` writes `dist/workflows.bundle.js` (used when present); otherwise (development, through tsx) a
 * short-lived child process bundles into a temporary file.
 *
 * With tracing on (src/tracing.ts) the worker runs a second bundle, the same code plus the OpenTelemetry workflow
 * interceptors (`dist/workflows-traced.bundle.js`): they create spans at every signal, update, query and activity,
 * which the untraced bundle must not pay for.
 *
 *   node --import tsx src/workflow-bundle.ts OUT.js [--traced]   # what the child runs; `npm run build` runs the compiled one
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

/** The traced bundle's options: the OpenTelemetry workflow interceptors added (evaluated per workflow, never preloaded). */
export const tracedWorkflowBundleOptions = {
  ...workflowBundleOptions,
  workflowInterceptorModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
};

/** The prebuilt bundles of `npm run build`, beside the compiled worker. */
const PREBUILT = {
  plain: path.join(__dirname, 'workflows.bundle.js'),
  traced: path.join(__dirname, 'workflows-traced.bundle.js'),
};

/** The bundle for a worker (`traced`: with the tracing interceptors): the prebuilt one, or one made now in a child process. */
export async function workflowBundlePath(opts: { traced?: boolean } = {}): Promise<{ codePath: string }> {
  const prebuilt = opts.traced ? PREBUILT.traced : PREBUILT.plain;
  if (fs.existsSync(prebuilt)) return { codePath: prebuilt };
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-workflows-')), path.basename(prebuilt));
  const args = [
    ...process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')),
    __filename,
    out,
    ...(opts.traced ? ['--traced'] : []),
  ];
  await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return { codePath: out };
}

async function writeBundle(out: string, traced: boolean): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  const bundle = await bundleWorkflowCode({
    ...(traced ? tracedWorkflowBundleOptions : workflowBundleOptions),
    logger: quiet as never,
  });
  fs.writeFileSync(out, bundle.code);
}

if (require.main === module) {
  const [out, flag] = process.argv.slice(2);
  if (!out || (flag !== undefined && flag !== '--traced')) {
    process.stderr.write('usage: workflow-bundle OUT.js [--traced]\n');
    process.exit(2);
  }
  writeBundle(out, flag === '--traced').catch((e: unknown) => {
    process.stderr.write(`bundling the workflow code failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
