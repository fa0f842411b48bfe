/**
 * Jest tiers: `unit` (pure core, mocks allowed, no services), `integration` (real Temporal dev server, SMTP, PostgreSQL)
 * and `cluster` (the real Temporal server on PostgreSQL with 2 worker and 2 web processes: `npm run cluster`, docs/cluster.md).
 */
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
];
// ESM-only dependencies that jest (on Node 20) must compile to CommonJS.
const esmOnly = ['cookie', 'content-disposition']; // content-disposition: of @fastify/static (Swagger UI's assets)
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, [`/node_modules/(${esmOnly.join('|')})/.+\\.js$`]: swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/test/cluster/**/*.test.ts'] },
  ],
  testTimeout: 120000,
};
