/**
 * The sending side of personal preferences (docs/preferences.md): classifies an email with the pure core
 * (src/domain/preferences.ts), reads the recipient's stored choice, and builds the signed links and list headers.
 * Used by `deliver` only.
 */
import {
  classify,
  decide,
  listId,
  userKey,
  type EmailClass,
  type Mode,
  type PreferenceKind,
  type SendDecision,
} from '../domain/preferences';
import type { Rule } from '../domain/rules';
import type { Keyring } from '../links/token';
import type { DirectoryStore, Recipient } from '../store/directory';
import type { PreferenceStore } from '../store/preferences';
import type { DocumentSnapshot } from '../workflows/types';

/** How long a preferences link in an email stays valid (unsubscribe links must keep working for a long time). */
export const PREFERENCES_LINK_TTL_MS = 365 * 86_400_000;

/** What of an email the classification reads. */
export interface PreferenceJob {
  kind: string;
  seq: number;
  template: string;
  ruleId?: string;
  recipient: Recipient;
  snapshot: DocumentSnapshot;
}

export interface PreferenceGateDeps {
  directory: DirectoryStore;
  preferences?: PreferenceStore;
  keyring?: Keyring;
  publicBaseUrl: string;
}

/**
 * The person's signed pages (`/preferences/{token}`: their preferences; `…/waiting`: what waits for them), or undefined
 * without signing keys.
 */
export function preferencesLink(
  deps: { keyring?: Keyring; publicBaseUrl: string },
  tenantId: string,
  recipient: Recipient,
): string | undefined {
  if (!deps.keyring) return undefined;
  const token = deps.keyring.signPreferences({
    tenantId,
    userKey: userKey(recipient),
    recipient: recipient.email.toLowerCase(),
    expiresAt: Date.now() + PREFERENCES_LINK_TTL_MS,
  });
  return `${deps.publicBaseUrl}/preferences/${token}`;
}

export function preferenceGate(deps: PreferenceGateDeps) {
  const { directory } = deps;

  /** Does the recipient of an escalation have to act: the assignee (or one it resolves to), or the level's reassignTo? */
  async function mustAct(job: PreferenceJob, rule: Rule | undefined): Promise<boolean> {
    const s = job.snapshot;
    const who = job.recipient.email.toLowerCase();
    const actors = [s.assignee, rule?.escalation[job.seq - 1]?.reassignTo].filter((a): a is string => !!a);
    for (const a of actors) {
      if (a.toLowerCase() === who || (job.recipient.userId && a === job.recipient.userId)) return true;
      const resolved = await directory.resolve(s.tenantId, a);
      if (resolved.some((r) => r.email.toLowerCase() === who)) return true;
    }
    return false;
  }

  return {
    /**
     * FYI (and which kind) or action-required. @param ruleNow the email's rule as the worker knows it at the tenant's
     * current rules version (undefined: deleted meanwhile, or none: classified from what the email says)
     */
    async classOf(job: PreferenceJob, ruleNow: Rule | undefined): Promise<EmailClass> {
      const rule = job.kind === 'event' || job.kind === 'escalation' ? ruleNow : undefined;
      return classify({
        kind: job.kind,
        status: job.snapshot.status,
        triggerEvent: rule && 'event' in rule.trigger ? rule.trigger.event : undefined,
        template: job.template,
        recipientMustAct: job.kind === 'escalation' ? await mustAct(job, rule) : undefined,
      });
    },

    /** Send or skip, from the recipient's stored modes (read with the email's facts; no store: send). */
    decision(c: EmailClass, modes: Partial<Record<PreferenceKind, Mode>>): SendDecision {
      return decide(c, deps.preferences ? modes[c.kind] : undefined);
    },

    /** The signed preferences page of the recipient, or undefined without signing keys. */
    preferencesUrl(job: PreferenceJob): string | undefined {
      return preferencesLink(deps, job.snapshot.tenantId, job.recipient);
    },

    /** The list headers' values of an FYI email (none for action-required email). */
    list(job: PreferenceJob, c: EmailClass, preferencesUrl: string | undefined, domain: string) {
      if (!c.fyi) return undefined;
      return {
        id: listId(job.snapshot.tenantId, domain),
        unsubscribeUrl: preferencesUrl ? `${preferencesUrl}/unsubscribe?kind=${c.kind}` : undefined,
      };
    },
  };
}
