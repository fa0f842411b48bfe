import { createHmac } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Logger } from 'pino';
import { parseCalendarConfig, toBusinessCalendar } from '../calendar/schema';
import { elapsedMs, sendAheadMs, webhookPolicy, type Config } from '../config';
import { postWebhook, WebhookDestinationError } from '../webhooks/destination';
import { Webhook } from 'standardwebhooks';
import type { BusinessCalendar } from '../domain/calendar';
import { dueNow, plan, type PlanContext, type PlannedNotification } from '../domain/plan';
import type { Rule } from '../domain/rules';
import { loadLayout } from '../email/defaults';
import { renderEmail, TemplateError } from '../email/render';
import {
  classifySmtpError,
  describeSmtpError,
  messageIdFor,
  threadIndexFor,
  threadRootFor,
  type Mailer,
  type OutgoingEmail,
  type SentInfo,
} from '../email/transport';
import { signedActionLinks, templateValues, type ActionLink } from '../email/values';
import { calendarTimeZone, readerZone } from '../email/format';
import type { Keyring } from '../links/token';
import type { DirectoryStore, Recipient } from '../store/directory';
import type { NotificationStore } from '../store/notifications';
import { NotFoundError } from '../errors';
import type { RuleStore } from '../store/rules';
import type { RulesVersionStore } from '../store/rules-versions';
import type { SendFacts, SendFactsStore } from '../store/send-facts';
import type { TemplateStore } from '../store/templates';
import type { TenantSettings, TenantStore } from '../store/tenants';
import type { DocumentSnapshot } from '../workflows/types';
import { notificationSnapshot } from '../workflows/view';
import type {
  ContextAndPrepareInput,
  ContextAndPrepared,
  ContextInput,
  EmailJob,
  PrepareResult,
  SendResult,
} from './types';
import { documentDecisionSignal, type DocumentDecision } from '../workflows/pipeline';
import type { SubscriberStore } from '../store/subscribers';
import type { SuppressionStore } from '../store/suppressions';
import type { PreferenceStore } from '../store/preferences';
import { preferenceGate } from './preferences';
import { createTemplateCache } from './template-cache';
import { userKey } from '../domain/preferences';
import { emailsTotal, smtpSendSeconds } from '../metrics';
import { Burst } from './burst';
import { afterSmtpFailure, linkActionsFor, offersLinks } from '../domain/delivery';
import { alertRecipients, dedupeRecipients as dedupe, recipientPlan } from '../domain/recipients';
import { createDigestActivities, fileEntry } from './digest';
import {
  DAILY,
  entryKind,
  IN_DIGEST,
  IN_SUMMARY,
  routeEmail,
  stormBucket,
  stormClass,
  stormRoute,
  stormWindow,
  summarised,
} from '../domain/digest';
import type { DigestStore } from '../store/digests';
import { stormPolicy } from '../config';

export interface ActivityDeps {
  config: Config;
  rules: RuleStore;
  rulesVersions: RulesVersionStore;
  sendFacts: SendFactsStore;
  directory: DirectoryStore;
  templates: TemplateStore;
  tenants: TenantStore;
  notifications: NotificationStore;
  /** Pipeline workflows following a document (plugin): they get its decisions as a signal. */
  subscribers?: SubscriberStore;
  /** Addresses the tenant's emails are not sent to; without it nothing is suppressed. */
  suppressions?: SuppressionStore;
  /** Personal preferences (docs/preferences.md); without it every email is sent. */
  preferences?: PreferenceStore;
  /** Digests and storm summaries (docs/digest.md); without it every email goes out on its own. */
  digests?: DigestStore;
  mailer: Mailer;
  /** Signs action links; without it emails carry no action links. */
  keyring?: Keyring;
  log: Logger;
}

export type { ContextAndPrepared, EmailJob, PrepareResult, SendResult } from './types';
export type { DigestActivities } from './digest';

interface TenantRules {
  version: number;
  /** Calendars are compiled for the years around this one. */
  year: number;
  all: Rule[];
  calendar?: BusinessCalendar;
  calendars: Record<string, BusinessCalendar>;
  /** The tenant's settings (a change bumps the rules version too). */
  tenant: TenantSettings;
}

/** Tenants whose rules a worker keeps (least recently read ones leave first). */
const TENANT_RULES_CACHED = 1000;

/**
 * An email held for its instant reads whether it may still go out (suppression, the person's preferences) this long
 * before it: a suppression or preference change in the last 2 s before the instant takes effect from the next email.
 */
const RECHECK_LEAD_MS = 2_000;

/** Emails that are themselves digests or summaries: never routed into one. */
const SUMMARY_KINDS: readonly string[] = ['digest', 'storm_summary', 'smtp_failure_alert', 'test'];

/** Activities do I/O and nothing else; the decisions are made in the workflow's pure core. */
export function createActivities(deps: ActivityDeps) {
  const { config, rules, directory, templates, tenants, notifications, sendFacts, mailer, log } = deps;
  const templateCache = createTemplateCache(templates);
  const layout = loadLayout();
  const burst = new Burst();
  const gate = preferenceGate({ ...deps, publicBaseUrl: config.PUBLIC_BASE_URL });
  const tenantRulesCache = new Map<string, TenantRules>();
  const webhookRetryForMs = elapsedMs(config.WEBHOOK_RETRY_FOR) ?? 86_400_000;
  const retryForMs = elapsedMs(config.SMTP_RETRY_FOR) ?? 72 * 3_600_000;

  /** Makes the directory lookups the pure core planned (src/domain/recipients.ts), in order. */
  async function resolveRecipients(
    tenantId: string,
    rule: Rule,
    p: PlannedNotification,
    s: DocumentSnapshot,
  ): Promise<{ recipients: Recipient[]; reassignTo?: string; skipped?: string }> {
    const planned = recipientPlan(rule, p, s);
    const out: Recipient[] = [];
    for (const l of planned.lookups) {
      if (l.by === 'name') out.push(...(await directory.resolve(tenantId, l.who)));
      else if (l.by === 'manager') out.push(...(await directory.managerOf(tenantId, l.of)));
      else if (l.by === 'role') out.push(...(await directory.withRole(tenantId, l.role)));
      else out.push({ email: l.email });
    }
    return { recipients: out, reassignTo: planned.reassignTo, skipped: planned.skipped };
  }

  /** The email's facts (src/store/send-facts.ts); without a suppression store nothing is suppressed. */
  async function readFacts(job: EmailJob): Promise<SendFacts> {
    const facts = await sendFacts.read(job.snapshot.tenantId, job.recipient.email, userKey(job.recipient));
    return deps.suppressions ? facts : { ...facts, suppressed: false };
  }

  function links(job: EmailJob, locale: string): ActionLink[] {
    const task = job.snapshot.task;
    if (!offersLinks(!!deps.keyring, job.snapshot) || !task) return [];
    return signedActionLinks({
      keyring: deps.keyring!,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      tenantId: job.snapshot.tenantId,
      documentId: job.snapshot.documentId,
      task,
      actions: job.actions,
      recipient: job.recipient.email,
      locale,
      now: Date.now(),
    });
  }

  /** Renders, claims the ledger, sends. Never sends an email the ledger says was already sent. */
  async function deliver(job: EmailJob, extra: Record<string, unknown> = {}): Promise<SendResult> {
    const s = job.snapshot;
    // One query for what decides this email; the tenant's settings, rules and templates come from the worker's
    // caches at the versions it read (each change bumps its version in the same transaction).
    const facts = await readFacts(job);
    const known = await tenantRules(s.tenantId, facts.rulesVersion);
    const tenant = known.tenant;
    const template = await templateCache.resolve(
      s.tenantId,
      facts.templateVersions,
      job.template,
      s.documentType,
      job.recipient.locale,
      tenant.locale,
    );
    const actionLinks = links(job, template.locale);
    const preferencesUrl = gate.preferencesUrl(job);
    const values = templateValues({
      timeZone: readerZone(job.recipient.timeZone ?? calendarTimeZone(tenant.calendar)),
      snapshot: s,
      recipient: job.recipient,
      locale: template.locale,
      kind: job.kind,
      seq: job.seq,
      ruleName: job.ruleName,
      links: actionLinks,
      documentUrl: `${config.PUBLIC_BASE_URL}/admin/documents/${encodeURIComponent(s.tenantId)}/${encodeURIComponent(s.documentId)}`,
      preferencesUrl,
      extra,
    });
    const rendered = renderEmail(template, values, layout);
    const messageId = messageIdFor(job.ledgerKey, mailer.domain);
    const base = {
      key: job.ledgerKey,
      messageId,
      tenantId: s.tenantId,
      documentId: s.documentId,
      documentType: s.documentType,
      ruleId: job.ruleId,
      ruleName: job.ruleName,
      kind: job.kind,
      seq: job.seq,
      recipient: job.recipient.email,
      subject: rendered.subject,
    };
    const info = safeInfo();
    // Never longer than SEND_AHEAD: a clock far off (or a test server's skipped time) must not park an email.
    const holdMs = job.notBefore === undefined ? 0 : Math.min(job.notBefore - Date.now(), sendAheadMs(config));
    const instant = Date.now() + holdMs;
    // An email prepared ahead is checked at its instant (below): the suppression may be lifted meanwhile, or the
    // email withdrawn.
    if (holdMs <= 0 && facts.suppressed) return skipSuppressed();
    // Personal preferences: an FYI kind the recipient turned off is not sent (checked again at the instant, below).
    const rule = job.ruleId ? known.all.find((r) => r.id === job.ruleId) : undefined;
    const emailClass = await gate.classOf(job, rule);
    const decision = gate.decision(emailClass, facts.modes); // the `off` check and the routing
    if (holdMs <= 0 && !decision.send) return skipPreference();
    // Digest and storm routing (src/domain/digest.ts), for emails about a document (never a digest or summary itself).
    if (deps.digests && !SUMMARY_KINDS.includes(job.kind)) {
      const route = routeEmail(job.kind, job.delivery, decision);
      const kind = entryKind(!emailClass.fyi, s);
      if (route.digest) await file(DAILY, undefined, kind);
      if (!route.immediate) return skipRouted('digest', kind === 'waiting' && job.actions.length > 0);
      const cls = stormClass(job.kind, s.status);
      if (cls) {
        const policy = stormPolicy(config);
        const window = stormWindow(job.notBefore ?? Date.now(), policy);
        const rank = await deps.digests.stormRank(s.tenantId, job.recipient.email, cls, window.start, job.ledgerKey);
        const prior = summarised(rank, policy) ? await notifications.get(job.ledgerKey) : undefined;
        if (stormRoute(rank, policy, prior) === 'summary') {
          await file(stormBucket(cls, window.start), window.end, 'fyi');
          return skipRouted('storm', false);
        }
      }
    }
    const claim = await notifications.claim(
      { ...base, html: rendered.html, text: rendered.text },
      holdMs > 0 ? 'scheduled' : 'sending',
    );
    if (claim.state === 'done') {
      emailsTotal.inc({ outcome: 'duplicate_suppressed', kind: job.kind });
      return {
        ledgerKey: job.ledgerKey,
        to: job.recipient.email,
        status: claim.row.status as SendResult['status'],
        messageId,
        detail: 'already recorded; not sent again',
        linked: actionLinks.length > 0,
      };
    }
    const activity = info ? Context.current() : undefined;
    const beat = activity ? setInterval(() => activity.heartbeat(), 5000) : undefined;
    const outgoing: OutgoingEmail = {
      to: job.recipient.email,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      messageId,
      priority: job.priority,
      threadRoot: threadRootFor(s.tenantId, s.documentId, mailer.domain),
      thread: { index: threadIndexFor(s.tenantId, s.documentId), topic: `${s.documentType} ${s.documentId}` },
      list: gate.list(job, emailClass, preferencesUrl, mailer.domain),
    };
    try {
      if (holdMs <= 0) return await transmit(() => mailer.send(outgoing));
      // Built before the instant (dated at it), so that at the instant only the SMTP transaction is left.
      const prepared = await mailer.prepare({ ...outgoing, date: new Date(job.notBefore!) });
      // Whether it still goes out (suppressed, or turned off while it waited) is read just before the instant, so
      // that a storm of emails due together has only its ledger releases and SMTP transactions left at the instant.
      await pause(instant - RECHECK_LEAD_MS - Date.now(), activity);
      const now = await readFacts(job);
      const stop = now.suppressed
        ? skipSuppressed
        : !gate.decision(emailClass, now.modes).send
          ? skipPreference
          : undefined;
      // A cancellation while waiting is thrown as it is (not as an SMTP failure): the workflow withdraws the row.
      if (!(await hold(job.ledgerKey, instant - Date.now(), activity))) {
        emailsTotal.inc({ outcome: 'withdrawn', kind: job.kind });
        return {
          ledgerKey: job.ledgerKey,
          to: job.recipient.email,
          status: 'skipped',
          messageId,
          detail: 'withdrawn before its time: the document changed',
          linked: false,
        };
      }
      // Suppressed or turned off while it waited: still not sent.
      if (stop) return await stop();
      return await burst.send(() => transmit(() => mailer.sendPrepared(prepared)));
    } finally {
      clearInterval(beat);
    }

    /** Files this email as an entry of a digest (`daily`) or storm summary bucket, and wakes its workflow. */
    async function file(bucket: string, sendAt: number | undefined, kind: 'waiting' | 'fyi'): Promise<void> {
      await fileEntry(
        { digests: deps.digests!, taskQueue: config.TASK_QUEUE, client: Context.current().client },
        {
          tenantId: s.tenantId,
          recipient: job.recipient.email,
          bucket,
          sendAt,
          entry: {
            entryKey: bucket === DAILY && kind === 'waiting' ? s.documentId : job.ledgerKey,
            ledgerKey: job.ledgerKey,
            documentId: s.documentId,
            documentType: s.documentType,
            kind,
            subject: rendered.subject,
            status: s.status,
            dueAt: s.dueAt ? Date.parse(s.dueAt) : undefined,
            since: job.notBefore ?? Date.now(),
            actions: kind === 'waiting' ? job.actions : [],
            task: kind === 'waiting' ? s.task : undefined,
          },
        },
      );
    }

    /** Not sent on its own: in the digest or a storm summary. The ledger row says `skipped` and why. */
    async function skipRouted(reason: 'digest' | 'storm', linked: boolean): Promise<SendResult> {
      await notifications.skip(base, reason);
      emailsTotal.inc({ outcome: reason, kind: job.kind });
      return {
        ledgerKey: job.ledgerKey,
        to: job.recipient.email,
        status: 'skipped',
        messageId,
        detail: reason === 'digest' ? IN_DIGEST : IN_SUMMARY,
        linked,
      };
    }

    /**
     * A suppressed recipient: the ledger row says `skipped`, reason `suppressed`, and nothing reaches the SMTP server.
     * A row already finished (sent before the suppression, a replay) is left as it is and reported as it is.
     */
    async function skipSuppressed(): Promise<SendResult> {
      await notifications.skip(base, 'suppressed');
      let row = await notifications.get(job.ledgerKey);
      if (row && (row.status === 'scheduled' || row.status === 'sending')) {
        await notifications.finish(job.ledgerKey, 'skipped', { reason: 'suppressed' });
        row = { ...row, status: 'skipped', reason: 'suppressed' };
      }
      const status = (row?.status ?? 'skipped') as SendResult['status'];
      if (status === 'skipped' && row?.reason === 'suppressed') {
        emailsTotal.inc({ outcome: 'suppressed', kind: job.kind });
        log.info({ key: job.ledgerKey, to: job.recipient.email }, 'email not sent: the recipient is suppressed');
        const all = job.kind === 'escalation' ? (job.escalationRecipients ?? []) : [];
        if (
          all.length &&
          deps.suppressions &&
          (await deps.suppressions.suppressedAmong(s.tenantId, all)).size === all.length
        )
          await unreachableEscalation(job, all);
      }
      return {
        ledgerKey: job.ledgerKey,
        to: job.recipient.email,
        status,
        messageId,
        detail: row?.reason === 'suppressed' ? 'suppressed' : 'already recorded; not sent again',
        linked: false,
      };
    }

    /**
     * An FYI email whose kind the recipient turned `off`: the ledger row says `skipped`, reason `preference`, and
     * nothing reaches the SMTP server (a row already finished is left as it is, as for suppressions).
     */
    async function skipPreference(): Promise<SendResult> {
      await notifications.skip(base, 'preference');
      let row = await notifications.get(job.ledgerKey);
      if (row && (row.status === 'scheduled' || row.status === 'sending')) {
        await notifications.finish(job.ledgerKey, 'skipped', { reason: 'preference' });
        row = { ...row, status: 'skipped', reason: 'preference' };
      }
      const status = (row?.status ?? 'skipped') as SendResult['status'];
      if (status === 'skipped' && row?.reason === 'preference') {
        emailsTotal.inc({ outcome: 'preference', kind: job.kind });
        log.info({ key: job.ledgerKey, to: job.recipient.email }, 'email not sent: the recipient turned this kind off');
      }
      return {
        ledgerKey: job.ledgerKey,
        to: job.recipient.email,
        status,
        messageId,
        detail: row?.reason === 'preference' ? 'preference' : 'already recorded; not sent again',
        linked: false,
      };
    }

    async function transmit(send: () => Promise<SentInfo>): Promise<SendResult> {
      let sent: SentInfo;
      try {
        const stopTimer = smtpSendSeconds.startTimer();
        sent = await send();
        stopTimer();
      } catch (err) {
        const detail = describeSmtpError(err);
        const outcome = afterSmtpFailure({
          smtpClass: classifySmtpError(err),
          elapsedMs: info ? Date.now() - info.scheduledTimestampMs : undefined,
          retryForMs,
          retryFor: config.SMTP_RETRY_FOR,
          kind: job.kind,
          reply: err as { responseCode?: number; response?: string },
        });
        if (outcome.action === 'retry') {
          emailsTotal.inc({ outcome: 'temporary_failure', kind: job.kind });
          await notifications.noteAttemptFailure(job.ledgerKey, detail);
          log.warn({ key: job.ledgerKey, detail, attempt: info?.attempt }, 'temporary SMTP failure; will retry');
          throw ApplicationFailure.retryable(`temporary SMTP failure: ${detail}`, 'TemporarySmtpError');
        }
        emailsTotal.inc({ outcome: 'failed', kind: job.kind });
        await notifications.finish(job.ledgerKey, 'failed', { smtpResponse: detail, reason: outcome.reason });
        log.error({ key: job.ledgerKey, detail }, outcome.reason);
        if (outcome.suppress && deps.suppressions) {
          const { created } = await deps.suppressions.add(s.tenantId, {
            email: job.recipient.email,
            reason: detail,
            source: 'smtp',
          });
          if (created) log.warn({ tenantId: s.tenantId, to: job.recipient.email, detail }, 'address suppressed');
        }
        if (outcome.alertAdmins) await alertAdmins(job, detail);
        return {
          ledgerKey: job.ledgerKey,
          to: job.recipient.email,
          status: 'failed',
          messageId,
          detail,
          linked: false,
        };
      }
      emailsTotal.inc({ outcome: 'sent', kind: job.kind });
      // The server took the message: whatever fails now must not send it again. A ledger update that fails
      // (PostgreSQL restarting, a connection cut) is retried here instead of failing the activity, whose retry
      // would find the row `sending` and send a second copy (found by the chaos suite, docs/chaos.md).
      await recordSent(job.ledgerKey, sent.response);
      return {
        ledgerKey: job.ledgerKey,
        to: job.recipient.email,
        status: 'sent',
        messageId,
        detail: sent.response,
        linked: actionLinks.length > 0,
      };
    }
  }

  /**
   * Marks a sent email `sent`, retrying a failed update for up to LEDGER_RETRY_MS (the activity keeps heartbeating):
   * the message is at the SMTP server already, so only a ledger that stays unreachable longer leaves the row
   * `sending` (then the retried activity sends it again: the RFC 1047 gap of docs/delivery.md).
   */
  async function recordSent(key: string, smtpResponse: string): Promise<void> {
    const started = Date.now();
    for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await notifications.finish(key, 'sent', { smtpResponse });
        return;
      } catch (e) {
        if (isDataError(e) || Date.now() - started + wait > LEDGER_RETRY_MS) throw e;
        log.warn({ key, err: (e as Error).message }, 'email sent; recording it in the ledger failed, retrying');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * Waits until a scheduled email's instant, then releases its ledger row for sending. Rendered and claimed ahead,
   * only the SMTP transaction is left at the instant. A cancellation (the document changed) ends the wait early;
   * the withdrawal of the row is what guarantees nothing goes out. @returns false when it was withdrawn.
   */
  async function hold(key: string, ms: number, activity: Context | undefined): Promise<boolean> {
    await pause(ms, activity);
    return notifications.release(key);
  }

  /** Waits `ms` (nothing when it is not positive); in an activity, a cancellation ends the wait by throwing. */
  async function pause(ms: number, activity: Context | undefined): Promise<void> {
    if (ms <= 0) return;
    await (activity ? activity.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * A tenant's rules (inactive ones too: the planner skips them) and compiled calendars as of a rules version.
   * Every change of rules or tenant settings bumps the version (the stores do it in the same transaction), so
   * what was read at a version stays right while it is current: a wake-up then costs one query, not three
   * plus the calendars' holidays.
   */
  async function tenantRules(tenantId: string, version: number): Promise<TenantRules> {
    const year = new Date().getUTCFullYear();
    const known = tenantRulesCache.get(tenantId);
    if (known && known.version === version && known.year === year) return known;
    const all = await rules.list(tenantId);
    const tenant = await tenants.get(tenantId);
    const toCal = (c: unknown): BusinessCalendar | undefined => {
      if (!c) return undefined;
      try {
        return toBusinessCalendar(parseCalendarConfig(c), year - 1, year + 2);
      } catch (e) {
        log.error({ err: e, tenantId }, 'stored calendar is invalid; ignored');
        return undefined;
      }
    };
    const calendars: Record<string, BusinessCalendar> = {};
    for (const [name, c] of Object.entries(tenant.calendars)) {
      const cal = toCal(c);
      if (cal) calendars[name] = cal;
    }
    const read: TenantRules = { version, year, all, calendar: toCal(tenant.calendar), calendars, tenant };
    tenantRulesCache.delete(tenantId);
    tenantRulesCache.set(tenantId, read);
    if (tenantRulesCache.size > TENANT_RULES_CACHED) tenantRulesCache.delete(tenantRulesCache.keys().next().value!);
    return read;
  }

  /** Tells the tenant's administrators once per failing recipient (not once per email). */
  async function alertAdmins(job: EmailJob, detail: string): Promise<void> {
    const tenantId = job.snapshot.tenantId;
    await notifications.markFailing(tenantId, job.recipient.email, detail);
    // "Once" is kept by the alert's own ledger key (a sent alert is never sent again), not by markFailing's
    // first-time flag: an alert lost to a temporary SMTP failure, or to a crash right after markFailing, is sent
    // at the recipient's next failure instead of never.
    await sendAlerts(
      job,
      (admin) => `alert/${tenantId}/${job.recipient.email.toLowerCase()}/${admin.toLowerCase()}`,
      { smtp_response: detail, failed_recipient: job.recipient.email, failure_count: 1 },
      job.recipient.email,
    );
  }

  /** The `smtp_failure_alert` email about `job` to each of the tenant's administrators (alertRecipients), keyed by `keyOf`. */
  async function sendAlerts(
    job: EmailJob,
    keyOf: (adminEmail: string) => string,
    values: Record<string, unknown>,
    about?: string,
  ): Promise<void> {
    const tenantId = job.snapshot.tenantId;
    const tenant = await tenants.get(tenantId);
    const admins = alertRecipients(tenant.adminEmails, await directory.withRole(tenantId, 'admin'), about);
    for (const admin of admins) {
      const alert: EmailJob = {
        ...job,
        ledgerKey: keyOf(admin.email),
        notBefore: undefined,
        escalationRecipients: undefined,
        kind: 'smtp_failure_alert',
        seq: 0,
        template: 'smtp_failure_alert',
        recipient: admin,
        actions: [],
        priority: 'high',
      };
      await deliver(alert, values).catch((e: unknown) => log.error({ err: e }, 'could not alert administrators'));
    }
  }

  /**
   * An escalation none of whose recipients can be reached (every one is suppressed at its instant): the log says so
   * (a row of its own, `skipped`, recipient `-`) and the tenant's administrators are told, once per escalation (each
   * recipient's email, itself logged `skipped: suppressed`, comes here; the ledger keys keep it once).
   */
  async function unreachableEscalation(job: EmailJob, emails: string[]): Promise<void> {
    const s = job.snapshot;
    const who = emails.join(', ');
    const reason = `escalation level ${job.seq} reaches no one: every recipient is suppressed (${who})`;
    const key = job.ledgerKey.slice(0, job.ledgerKey.lastIndexOf('/'));
    await notifications.skip(
      {
        key: `${key}/-`,
        messageId: '-',
        tenantId: s.tenantId,
        documentId: s.documentId,
        documentType: s.documentType,
        ruleId: job.ruleId,
        ruleName: job.ruleName,
        kind: job.kind,
        seq: job.seq,
        recipient: '-',
      },
      reason,
    );
    log.warn({ tenantId: s.tenantId, documentId: s.documentId, level: job.seq, recipients: who }, reason);
    await sendAlerts(job, (admin) => `unreachable/${key}/${admin.toLowerCase()}`, {
      smtp_response: reason,
      failed_recipient: who,
      failure_count: '',
    });
  }

  /** Signals `documentDecision` to the workflows following the document; one that no longer runs is left out. */
  async function signalSubscribers(decision: DocumentDecision): Promise<number> {
    const workflowIds = (await deps.subscribers?.list(decision.tenantId, decision.documentId)) ?? [];
    let signalled = 0;
    for (const workflowId of workflowIds) {
      try {
        await Context.current().client.workflow.getHandle(workflowId).signal(documentDecisionSignal, decision);
        signalled += 1;
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
        log.info(
          { workflowId, deliveryId: decision.deliveryId },
          'decision not signalled: the following workflow is closed',
        );
      }
    }
    return signalled;
  }

  const digestActivities = deps.digests
    ? createDigestActivities({
        digests: deps.digests,
        notifications,
        directory,
        tenants,
        keyring: deps.keyring,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        digestTime: config.DIGEST_TIME,
        taskQueue: config.TASK_QUEUE,
        log,
        deliver,
        tenantCalendar: async (tenantId) =>
          (await tenantRules(tenantId, await deps.rulesVersions.current(tenantId))).calendar,
      })
    : undefined;

  async function readContext(input: ContextInput): Promise<{ context: PlanContext; all: Rule[] }> {
    // The version first: a change committed between the two reads gives newer rules under the older version, and
    // the fan-out's notice of the newer one makes the run read again (never the reverse, which would be missed).
    const rulesVersion = await deps.rulesVersions.current(input.tenantId);
    const { all, calendar, calendars } = await tenantRules(input.tenantId, rulesVersion);
    const assignee = input.assignee ? (await directory.resolve(input.tenantId, input.assignee))[0] : undefined;
    return {
      all,
      context: {
        rules: all.filter((r) => !r.documentType || r.documentType === input.documentType),
        calendar,
        calendars,
        timeZone: assignee?.timeZone,
        rulesVersion,
        rulesReadAt: Date.now(),
        sendAheadMs: sendAheadMs(config),
      },
    };
  }

  /** Who gets the email of `p` (the rule as `ruleNow` reads it: changed or deactivated rules take effect). */
  async function prepare(
    p: PlannedNotification,
    s: DocumentSnapshot,
    ruleNow: (id: string) => Promise<Rule | undefined>,
    recordSkips = true,
  ): Promise<PrepareResult> {
    const base = (recipient: Recipient, rule?: Rule): EmailJob => ({
      ledgerKey: `${s.tenantId}/${s.documentId}/${p.key}/${recipient.email.toLowerCase()}`,
      kind: p.kind,
      seq: p.seq,
      template: p.template,
      priority: rule?.priority ?? 'medium',
      ruleId: rule?.id,
      ruleName: rule?.name,
      recipient,
      snapshot: s,
      actions: linkActionsFor(p.kind, rule),
      ...(rule && rule.reminderDelivery !== 'immediate' ? { delivery: rule.reminderDelivery } : {}),
    });
    const skip = async (reason: string, rule?: Rule) => {
      if (!recordSkips) return { emails: [], skipped: reason };
      await notifications.skip(
        {
          key: `${s.tenantId}/${s.documentId}/${p.key}/-`,
          messageId: '-',
          tenantId: s.tenantId,
          documentId: s.documentId,
          documentType: s.documentType,
          ruleId: rule?.id ?? p.ruleId,
          ruleName: rule?.name,
          kind: p.kind,
          seq: p.seq,
          recipient: '-',
        },
        reason,
      );
      return { emails: [], skipped: reason };
    };
    if (p.kind === 'decision') {
      const who = dedupe([
        ...(s.decision ? await directory.resolve(s.tenantId, s.decision.actor) : []),
        ...(s.assignee ? await directory.resolve(s.tenantId, s.assignee) : []),
      ]);
      return who.length ? { emails: who.map((r) => base(r)) } : skip('no recipients');
    }
    const rule = await ruleNow(p.ruleId);
    if (!rule) return skip('rule deleted');
    if (!rule.active) return skip('rule inactive', rule);
    const r = await resolveRecipients(s.tenantId, rule, p, s);
    if (r.skipped) return skip(r.skipped, rule);
    const recipients = dedupe(r.recipients);
    if (!recipients.length) return skip('no recipients', rule);
    const everyone = p.kind === 'escalation' ? recipients.map((x) => x.email.toLowerCase()) : undefined;
    return {
      emails: recipients.map((x) => ({ ...base(x, rule), ...(everyone ? { escalationRecipients: everyone } : {}) })),
      reassignTo: r.reassignTo,
    };
  }

  return {
    /** The person's digest schedule (docs/digest.md). */
    async digestSchedule(input: { tenantId: string; recipient: string }) {
      if (!digestActivities) throw ApplicationFailure.nonRetryable('digests are not configured', 'ConfigError');
      return digestActivities.digestSchedule(input);
    },

    /** Sends one digest or storm summary (on the email task queue). */
    async sendDigest(input: { tenantId: string; recipient: string; bucket: string; slot: number }) {
      if (!digestActivities) throw ApplicationFailure.nonRetryable('digests are not configured', 'ConfigError');
      return digestActivities.sendDigest(input);
    },

    /** Rules, calendars and the assignee's time zone: what the planner needs. */
    async loadContext(input: ContextInput): Promise<PlanContext> {
      return (await readContext(input)).context;
    },

    /**
     * loadContext, and the notification its plan sends first now, prepared as prepareNotification would (from the
     * rules just read): a wake-up that sends then takes one local activity, not two. The plan is the workflow's own
     * (the pure core, with the state and the instant it passes); the workflow uses the result only if its plan fires
     * the same notification first and nothing changed its state meanwhile.
     */
    async loadContextAndPrepare(input: ContextAndPrepareInput): Promise<ContextAndPrepared> {
      const { context, all } = await readContext(input.context);
      let first: PlannedNotification | undefined;
      try {
        [first] = dueNow(plan(input.state, context, input.options), input.now, context.sendAheadMs ?? 0);
      } catch {
        return { context }; // the workflow plans around the calendar and prepares on its own
      }
      if (!first) return { context };
      // A skip is not recorded here: the workflow may not fire `first` after all (its state may change meanwhile),
      // and the log must not show a skip of an email that was never due. prepareNotification records it when it is.
      const result = await prepare(
        first,
        notificationSnapshot(input.state, first),
        async (id) => all.find((r) => r.id === id),
        false,
      );
      return result.skipped ? { context } : { context, prepared: { key: first.key, result } };
    },

    /** Reads the rule as it is now (changed or deactivated rules take effect) and resolves who gets the email. */
    async prepareNotification(input: {
      planned: PlannedNotification;
      snapshot: DocumentSnapshot;
    }): Promise<PrepareResult> {
      return prepare(input.planned, input.snapshot, async (id) => {
        try {
          return await rules.get(input.snapshot.tenantId, id);
        } catch (e) {
          if (e instanceof NotFoundError) return undefined;
          throw e;
        }
      });
    },

    /** Withdraws emails scheduled ahead whose document changed before their instant. @returns the keys withdrawn. */
    async withdrawEmails(input: { keys: string[] }): Promise<{ withdrawn: string[] }> {
      return { withdrawn: await notifications.withdraw(input.keys) };
    },

    /** Sends one email idempotently (runs on the email task queues; a job with `notBefore` waits for it). */
    async sendEmail(job: EmailJob): Promise<SendResult> {
      try {
        return await deliver(job);
      } catch (e) {
        if (e instanceof TemplateError) throw ApplicationFailure.nonRetryable(e.message, 'TemplateError');
        if (isDataError(e)) {
          // A value PostgreSQL refuses (a NUL byte, say) fails the same way on every retry: a failed email, not a wedge.
          log.error({ key: job.ledgerKey, err: e }, 'email not sent: the database refused its data');
          emailsTotal.inc({ outcome: 'failed', kind: job.kind });
          return {
            ledgerKey: job.ledgerKey,
            to: job.recipient.email,
            status: 'failed',
            detail: `not sent: the database refused its data (${(e as Error).message})`,
            linked: false,
          };
        }
        throw e;
      }
    },

    /**
     * Tells the pipeline about a decision through the tenant's signed webhook (Standard Webhooks headers, and the
     * older `x-docnotify-signature` for one more release). Throws (to be retried) until it is accepted, for at most
     * WEBHOOK_RETRY_FOR; a destination the webhook policy refuses is never called nor retried.
     */
    async deliverDecision(input: {
      snapshot: DocumentSnapshot;
      key: string;
    }): Promise<{ delivered: boolean; reason?: string; signalled?: number }> {
      const s = input.snapshot;
      const deliveryId = `${s.tenantId}/${s.documentId}/${input.key}`;
      const decision: DocumentDecision = {
        type: 'task_resolved',
        deliveryId,
        tenantId: s.tenantId,
        documentId: s.documentId,
        documentType: s.documentType,
        taskId: s.task?.id,
        decision: s.decision,
      };
      // Pipeline workflows that reported the document's events (plugin) get the decision as a signal; a retry of the
      // webhook below signals them again with the same deliveryId, which `nextDecision` skips.
      const signalled = await signalSubscribers(decision);
      const tenant = await tenants.get(s.tenantId);
      if (!tenant.webhookUrl) return { delivered: signalled > 0, signalled };
      if (!tenant.webhookSecret) {
        log.error(
          { tenantId: s.tenantId },
          'webhook URL set without a secret: decision not delivered (set webhookSecret)',
        );
        return { delivered: signalled > 0, reason: 'no webhook secret', signalled };
      }
      const body = JSON.stringify(decision);
      const now = new Date();
      const timestamp = Math.floor(now.getTime() / 1000);
      const legacy = createHmac('sha256', tenant.webhookSecret).update(`${timestamp}.${body}`).digest('hex');
      const messageId = `msg_${createHmac('sha256', 'docnotify-delivery').update(deliveryId).digest('hex').slice(0, 32)}`;
      const headers = {
        'content-type': 'application/json',
        'webhook-id': messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': new Webhook(tenant.webhookSecret, { format: 'raw' }).sign(messageId, now, body),
        'x-docnotify-delivery': deliveryId,
        'x-docnotify-signature': `t=${timestamp},v1=${legacy}`,
      };
      let failure: string;
      try {
        const status = await postWebhook(tenant.webhookUrl, body, headers, webhookPolicy(config));
        if (status >= 200 && status < 300) return { delivered: true };
        failure = `webhook answered ${status}`;
      } catch (e) {
        if (e instanceof WebhookDestinationError) {
          log.error(
            { tenantId: s.tenantId, deliveryId, reason: e.message },
            'decision webhook refused by the webhook policy: not delivered',
          );
          return { delivered: false, reason: e.message };
        }
        failure = `webhook failed: ${(e as Error).message}`;
      }
      const info = safeInfo();
      if (info && Date.now() - info.scheduledTimestampMs >= webhookRetryForMs) {
        log.error(
          { tenantId: s.tenantId, deliveryId, reason: failure },
          `decision webhook given up after ${config.WEBHOOK_RETRY_FOR} of retries`,
        );
        return { delivered: false, reason: `${failure}; given up after ${config.WEBHOOK_RETRY_FOR}` };
      }
      throw ApplicationFailure.retryable(failure, 'WebhookRejected');
    },

    /** "Send test": renders a template with sample values and sends it (logged like any email). */
    async sendTest(input: {
      tenantId: string;
      template: string;
      documentType: string;
      to: string;
      locale?: string;
      fields: Record<string, string>;
      nonce: string;
    }): Promise<SendResult> {
      return deliver({
        ledgerKey: `test/${input.tenantId}/${input.template}/${input.nonce}/${input.to.toLowerCase()}`,
        kind: 'test',
        seq: 0,
        template: input.template,
        priority: 'medium',
        recipient: { email: input.to, locale: input.locale },
        actions: [],
        snapshot: {
          tenantId: input.tenantId,
          documentId: String(input.fields.document_id ?? 'TEST-1'),
          documentType: input.documentType,
          status: 'pending_approval',
          fields: input.fields,
          escalationLevel: 0,
        },
      });
    },
  };
}

/** How long the ledger update of a sent email is retried before the activity fails (see recordSent). */
const LEDGER_RETRY_MS = 60_000;

/** PostgreSQL's class 22, data exception (invalid byte sequence 22021, untranslatable character 22P05, ...): retrying never helps. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function safeInfo(): { attempt: number; scheduledTimestampMs: number } | undefined {
  try {
    const i = Context.current().info;
    return { attempt: i.attempt, scheduledTimestampMs: i.scheduledTimestampMs };
  } catch {
    return undefined; // called outside an activity (send test from the web server)
  }
}

export type Activities = ReturnType<typeof createActivities>;
export type { FanOutActivities } from './fanout';
