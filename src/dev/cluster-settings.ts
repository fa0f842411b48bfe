/**
 * The settings a clustered Temporal server gets from docnotify — the same in `docker-compose.yml` and in the local
 * cluster tier (`npm run cluster`, `src/dev/cluster.ts`); `test/integration/compose.test.ts` holds the two together.
 */
export const CLUSTER_SETTINGS = {
  /** Temporal server version of the compose images and of the server the install script builds. */
  temporalVersion: '1.29.1',
  /** History shards: fixed for the life of a cluster (it cannot change without a new database). */
  historyShards: 4,
  namespace: 'default',
  /** Namespace retention of closed workflows, in days (`DOCNOTIFY_RETENTION_DAYS` overrides it). */
  retentionDays: 30,
} as const;
