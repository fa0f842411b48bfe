import type { Migration } from '../migration';

/**
 * Personal email preferences (docs/preferences.md): per tenant and person (`user_key`: the directory user's id, or the
 * lower-cased address of a recipient outside the directory), one mode per kind: `immediate`, `digest` or `off`
 * (`action_required` is never `off`). No row = `immediate`.
 */
export const preferences: Migration = {
  name: '007_preferences',
  up: `
    CREATE TABLE preferences (
      tenant_id text NOT NULL,
      user_key text NOT NULL,
      kind text NOT NULL,
      mode text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tenant_id, user_key, kind),
      CONSTRAINT preferences_mode CHECK (mode IN ('immediate', 'digest', 'off')),
      CONSTRAINT preferences_action_required CHECK (kind <> 'action_required' OR mode <> 'off')
    );
  `,
};
