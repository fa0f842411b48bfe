/**
 * The package as a pipeline team gets it: `npm pack` of this repository, installed into a copy of
 * examples/pipeline (an invoice pipeline written as Temporal workflows, with docnotify as a plugin of its worker),
 * type-checked against the installed declarations, and run end to end against the real dev server, Mailpit and
 * PostgreSQL: the pipeline reports its states from workflow code, docnotify emails the approver, the approver's
 * link decision (on docnotify's web server) reaches the pipeline workflow, which exports the invoice.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { DocnotifyClient } from '../../src/client';
import { openStores, type Stores } from '../../src/store';
import { buildServer } from '../../src/web/server';
import { linksIn } from '../helpers/browser';
import { eventually, testConfig, uid } from '../helpers/env';
import { message, waitForMail } from '../helpers/mailpit';

jest.setTimeout(600_000);

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const config = testConfig();
const pipelineQueue = uid('pipeline');
let work: string;
let app: string;
let worker: ChildProcess | undefined;
let workerLog = '';
let web: FastifyInstance;
let stores: Stores;
let temporal: Connection;
let docnotify: DocnotifyClient;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'docnotify-pack-'));
  // `npm pack` runs `prepack` (the production build): the tarball holds dist/ as it is built now.
  const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarball = path.join(work, stdout.trim().split('\n').pop()!);
  app = path.join(work, 'app');
  fs.cpSync(path.join(ROOT, 'examples/pipeline'), app, { recursive: true });
  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
  pkg.dependencies.docnotify = `file:${tarball}`;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(pkg, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: app,
    maxBuffer: 64 * 1024 * 1024,
  });

  stores = await openStores(config.DATABASE_URL!, config, { max: 3 });
  temporal = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  docnotify = new DocnotifyClient(new Client({ connection: temporal }), config.TASK_QUEUE);
  web = await buildServer({
    config,
    client: docnotify,
    stores,
    log: pino({ level: 'silent' }),
    sendTest: async () => ({ status: 'skipped' }),
  });
});

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await web?.close();
  await temporal?.close();
  await stores?.db.end();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the built entries and their declarations, and nothing of the sources or tests', async () => {
  const installed = path.join(app, 'node_modules/docnotify');
  const exported = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')).exports;
  expect(Object.keys(exported).sort()).toEqual(['.', './client', './package.json', './plugin', './workflows']);
  for (const entry of ['.', './client', './plugin', './workflows']) {
    expect(fs.existsSync(path.join(installed, exported[entry].default))).toBe(true);
    expect(fs.existsSync(path.join(installed, exported[entry].types))).toBe(true);
  }
  expect(fs.existsSync(path.join(installed, 'dist/workflows.bundle.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'templates'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
  // The example type-checks against the installed declarations (its imports of docnotify/plugin and docnotify/workflows).
  await run(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      app,
      '--typeRoots',
      path.join(ROOT, 'node_modules/@types'),
    ],
    { cwd: app },
  );
});

test('the example pipeline runs on the installed package: reports from workflow code, the link decision comes back, the invoice is exported', async () => {
  const tenant = uid('tenant');
  await stores.tenants.put({ id: tenant, locale: 'en', calendar: null, calendars: {}, adminEmails: [] });
  await stores.rules.create({
    name: 'Approval',
    tenantId: tenant,
    trigger: { status: 'pending_approval' },
    actions: ['approve', 'reject'],
    recipients: { assignee: true },
  });

  worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: app,
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS,
      PIPELINE_TASK_QUEUE: pipelineQueue,
      TASK_QUEUE: config.TASK_QUEUE,
      DATABASE_URL: config.DATABASE_URL,
      SMTP_URL: config.SMTP_URL,
      MAIL_FROM: config.MAIL_FROM,
      PUBLIC_BASE_URL: config.PUBLIC_BASE_URL,
      ACTION_LINK_SECRET: config.ACTION_LINK_SECRET,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d: Buffer) => (workerLog += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (workerLog += d.toString()));
  await eventually(
    async () =>
      workerLog.includes('pipeline worker polling') ||
      (worker!.exitCode !== null && Promise.reject(new Error(workerLog))),
    'the example worker to start',
    120_000,
  );

  const documentId = uid('INV');
  const approver = `${uid('approver')}@example.com`;
  const pipeline = new Client({ connection: temporal });
  const handle = await pipeline.workflow.start('invoicePipeline', {
    workflowId: `invoice-pipeline/${documentId}`,
    taskQueue: pipelineQueue,
    args: [{ documentId, tenantId: tenant, supplier: 'ACME Tools S.L.', amount: 1234.5, currency: 'EUR', approver }],
  });

  // docnotify emailed the approver, with the invoice's fields as the pipeline captured them.
  const [mail] = await waitForMail(approver);
  const html = (await message(mail.ID)).HTML;
  expect(html).toContain('ACME Tools S.L.');
  const tokens = linksIn(html)
    .map((href) => /\/actions\/([^/?#]+)$/.exec(new URL(href).pathname)?.[1])
    .filter(Boolean) as string[];
  const origin = new URL(config.PUBLIC_BASE_URL).origin;
  let approved = false;
  for (const token of tokens) {
    const page = await web.inject({ method: 'GET', url: `/actions/${token}` });
    if (!page.body.includes('Approve this document?')) continue;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
    const done = await web.inject({
      method: 'POST',
      url: `/actions/${token}`,
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ csrf }).toString(),
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Approved');
    approved = true;
    break;
  }
  expect(approved).toBe(true);

  // The decision reached the pipeline workflow (the documentDecision signal), which went on to the export.
  const result = await handle.result();
  expect(result).toEqual({ outcome: 'exported', decidedBy: approver, erpId: `ERP-${documentId}` });
  const state = await eventually(async () => {
    const s = await docnotify.getState(documentId, tenant);
    return s.status === 'exported' ? s : undefined;
  }, 'docnotify to see the export');
  expect(state.decisions.map((d) => d.action)).toEqual(['approve']);

  // The pipeline's worker stops cleanly, and docnotify's workers with it.
  const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
  worker.kill('SIGTERM');
  expect(await exited).toBe(0);
});
