import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';

/** Where `docnotify dev` keeps its data and writes the URLs of the services it started. */
export const DEV_DIR = path.resolve(process.env.DOCNOTIFY_DEV_DIR ?? path.join(__dirname, '../../.docnotify'));
export const DEV_ENV_FILE = path.join(DEV_DIR, 'dev.env');

/**
 * Loads `.env` from the working directory, then the running `docnotify dev`'s service URLs, without
 * overriding variables already set. So CLI commands in another terminal reach the local system.
 */
export function loadEnvFiles(): void {
  if (existsSync('.env')) dotenv.config({ path: '.env', quiet: true });
  if (existsSync(DEV_ENV_FILE) && !process.env.DOCNOTIFY_NO_DEV_ENV) dotenv.config({ path: DEV_ENV_FILE, quiet: true });
}
