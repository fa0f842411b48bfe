/**
 * The layers of docnotify, checked by `npm run lint` (dependency-cruiser):
 *   web, cli  →  client, store, email, activities, worker  →  domain
 * Workflow code runs in Temporal's deterministic sandbox: it imports only the pure core (src/domain), its own
 * folder and the SDK's workflow-side packages. No cycles anywhere.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make modules load half-initialised and the layers unreadable.',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'workflows-only-domain-and-sdk',
      severity: 'error',
      comment:
        'Workflow code may import only src/domain, src/workflows and the SDK workflow packages (type imports of activity signatures excepted).',
      from: { path: '^src/workflows' },
      to: {
        dependencyTypesNot: ['type-only'],
        pathNot: [
          '^src/domain',
          '^src/workflows',
          'node_modules/@temporalio/(workflow|common)/',
          'node_modules/(zod|luxon)/',
        ],
      },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The pure core imports nothing of the I/O layers and no Node built-ins.',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain', 'node_modules/(zod|luxon)/'] },
    },
    {
      name: 'no-web-or-cli-below',
      severity: 'error',
      comment: 'The client, stores, email, activities and worker never import the web server or the CLI.',
      from: { path: '^src/(client|store|email|activities|worker|links|calendar|webhooks|workflows|domain)' },
      to: { path: '^src/(web|cli)/' },
    },
    {
      name: 'web-and-cli-apart',
      severity: 'error',
      comment: 'The web server and the CLI are two edges: neither imports the other.',
      from: { path: '^src/web/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
