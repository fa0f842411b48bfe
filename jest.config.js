/**
 * Jest tiers: `unit` (pure core, mocks allowed, no services), `integration` (real Temporal dev server, SMTP, PostgreSQL)
 * and `cluster` (the real Temporal server on PostgreSQL with 2 worker and 2 web processes: `npm run cluster`, docs/cluster.md).
 */
const swcFor = (tsx) => [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', tsx },
      transform: tsx ? { react: { runtime: 'automatic', importSource: 'preact' } } : undefined,
    },
    module: { type: 'commonjs' },
  },
];
const swc = swcFor(false);
// ESM-only dependencies that jest (on Node 20) must compile to CommonJS, and @fastify/cookie, which loads `cookie` with a
// dynamic import() (jest's CommonJS sandbox refuses it; compiled, it is a require()).
const esmOnly = ['cookie', '@fastify/cookie', 'content-disposition']; // content-disposition: of @fastify/static (Swagger UI's assets)
const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': swc,
    '^.+\\.tsx$': swcFor(true),
    [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swc,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts?(x)'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts?(x)'] },
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/test/cluster/**/*.test.ts?(x)'] },
  ],
  testTimeout: 120000,
};
