/** One schema migration: SQL run in one transaction (src/store/migrate.ts applies them in order). */
export interface Migration {
  name: string;
  /** SQL run in one transaction. */
  up: string;
}
