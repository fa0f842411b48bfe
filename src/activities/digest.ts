/**
 * The I/O side of digests and storm summaries (docs/digest.md): files an email into a person's digest or a storm
 * window's summary (a row, then signal-with-start of the person's digest workflow), and sends a digest: reads the
 * rows, asks each waiting document whether it still waits, renders one email with the still-open ones and sends it
 * through the same ledger as every other email. The decisions (route, order, schedule) are in src/domain/digest.ts.
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DEFAULT_CALENDAR, type BusinessCalendar } from '../domain/calendar';
import { DAILY, DIGEST_MAX_LISTED, orderEntries } from '../domain/digest';
import { calendarTimeZone, formatDate, formatRelative, readerZone } from '../email/format';
import { statusLabel } from '../email/defaults';
import { signedActionLinks } from '../email/values';
import type { DocumentStatus } from '../domain/status';
import type { Keyring } from '../links/token';
import type { Logger } from 'pino';
import type { DigestStore, StoredEntry } from '../store/digests';
import type { DirectoryStore, Recipient } from '../store/directory';
import type { NotificationStore } from '../store/notifications';
import type { TenantStore } from '../store/tenants';
import {
  digestAddedSignal,
  digestWorkflowId,
  documentStateQuery,
  type DigestWorkflowInput,
} from '../workflows/messages';
import type { DocumentView } from '../workflows/types';
import type { EmailJob, SendResult } from './types';
import { preferencesLink } from './preferences';

/** A storm summary lists this many documents per email (a storm is what it summarises: one email, not ten). */
const SUMMARY_MAX_LISTED = 1000;
/** How long the ranks of a storm window are kept after its summary went out. */
const STORM_RANKS_KEPT_MS = 7 * 86_400_000;
/** How many waiting documents are asked at once whether they still wait. */
const CHECK_CONCURRENCY = 8;

export interface DigestDeps {
  digests: DigestStore;
  notifications: NotificationStore;
  directory: DirectoryStore;
  tenants: TenantStore;
  keyring?: Keyring;
  publicBaseUrl: string;
  digestTime: string;
  taskQueue: string;
  log: Logger;
  /** The tenant's default business calendar, compiled (the planner's cache, activities/index.ts). */
  tenantCalendar: (tenantId: string) => Promise<BusinessCalendar | undefined>;
  /** The ledger-backed sender every email goes through (activities/index.ts). */
  deliver: (job: EmailJob, extra: Record<string, unknown>) => Promise<SendResult>;
  /** A client for the workflows (the activity's own, else this one: tests). */
  client?: () => Client;
}

export interface DigestActivities {
  digestSchedule(input: { tenantId: string; recipient: string }): Promise<{
    calendar: BusinessCalendar;
    timeZone?: string;
    time: string;
  }>;
  sendDigest(input: { tenantId: string; recipient: string; bucket: string; slot: number }): Promise<{
    sent: boolean;
    listed: number;
    remaining: number;
    messageId?: string;
  }>;
}

export function createDigestActivities(deps: DigestDeps) {
  const { digests, directory, tenants, log } = deps;
  const client = () => deps.client?.() ?? Context.current().client;

  async function recipientOf(tenantId: string, email: string): Promise<Recipient> {
    return (await directory.resolve(tenantId, email))[0] ?? { email };
  }

  /** Is the document still waiting for this person in the status the entry was filed in? */
  async function stillWaiting(tenantId: string, e: StoredEntry): Promise<DocumentView | undefined | 'gone'> {
    try {
      const view = await client().workflow.getHandle(`document/${tenantId}/${e.documentId}`).query(documentStateQuery);
      return view.awaitingAction && !view.finished && view.status === e.status ? view : 'gone';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return 'gone';
      log.warn({ tenantId, documentId: e.documentId, err: (err as Error).message }, 'digest: document not asked');
      return undefined; // listed as filed, without links; asked again next time
    }
  }

  async function checkAll(tenantId: string, entries: StoredEntry[]) {
    const out = new Map<string, DocumentView | undefined | 'gone'>();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CHECK_CONCURRENCY, entries.length) }, async () => {
        while (next < entries.length) {
          const e = entries[next++];
          out.set(e.entryKey, await stillWaiting(tenantId, e));
          Context.current().heartbeat();
        }
      }),
    );
    return out;
  }

  function linksFor(
    tenantId: string,
    e: StoredEntry,
    view: DocumentView | undefined,
    recipient: string,
    locale: string,
  ) {
    if (!deps.keyring || !view?.task) return [];
    return signedActionLinks({
      keyring: deps.keyring,
      publicBaseUrl: deps.publicBaseUrl,
      tenantId,
      documentId: e.documentId,
      task: view.task,
      actions: e.actions,
      recipient,
      locale,
      now: Date.now(),
    });
  }

  return {
    /** The person's digest time, time zone and the tenant's working days. */
    async digestSchedule(input: { tenantId: string; recipient: string }) {
      const person = await recipientOf(input.tenantId, input.recipient);
      const calendar = (await deps.tenantCalendar(input.tenantId)) ?? DEFAULT_CALENDAR;
      return { calendar, timeZone: person.timeZone ?? calendar.timeZone, time: deps.digestTime };
    },

    /**
     * Sends one digest (or storm summary) of what is filed for the person now. Waiting documents that moved on are
     * dropped; FYI and storm entries are listed once and then removed. Nothing to list: no email.
     */
    async sendDigest(input: { tenantId: string; recipient: string; bucket: string; slot: number }) {
      const { tenantId, recipient, bucket, slot } = input;
      const daily = bucket === DAILY;
      const entries = await digests.list(tenantId, recipient, bucket);
      const waiting = entries.filter((e) => e.kind === 'waiting');
      const checked = daily ? await checkAll(tenantId, waiting) : new Map();
      const gone = waiting.filter((e) => checked.get(e.entryKey) === 'gone').map((e) => e.entryKey);
      const listable = orderEntries(entries.filter((e) => !gone.includes(e.entryKey)));
      const max = daily ? DIGEST_MAX_LISTED : SUMMARY_MAX_LISTED;
      const listed = listable.slice(0, max);
      if (!listed.length) {
        await digests.remove(tenantId, recipient, bucket, gone);
        return { sent: false, listed: 0, remaining: 0 };
      }
      const person = await recipientOf(tenantId, recipient);
      const tenant = await tenants.get(tenantId);
      const locale = person.locale ?? tenant.locale;
      const reader = { locale, timeZone: readerZone(person.timeZone ?? calendarTimeZone(tenant.calendar)) };
      const documents = listed.map((e) => {
        const view = checked.get(e.entryKey);
        const dueAt = view && view !== 'gone' && view.dueAt ? Date.parse(view.dueAt) : e.dueAt;
        return {
          document_id: e.documentId,
          document_type: e.documentType ?? '',
          subject: e.subject,
          status_label: e.status ? statusLabel(e.status as DocumentStatus, locale) : '',
          due_date: dueAt === undefined ? '' : (formatDate(new Date(dueAt).toISOString(), reader) ?? ''),
          due_in: dueAt === undefined ? '' : (formatRelative(new Date(dueAt).toISOString(), slot, reader) ?? ''),
          overdue: dueAt !== undefined && dueAt < slot,
          document_url: `${deps.publicBaseUrl}/admin/documents/${encodeURIComponent(tenantId)}/${encodeURIComponent(e.documentId)}`,
          actions: e.kind === 'waiting' && view !== 'gone' ? linksFor(tenantId, e, view, recipient, locale) : [],
        };
      });
      const waitingCount = listable.filter((e) => e.kind === 'waiting').length;
      const personal = preferencesLink(deps, tenantId, person);
      const result = await deps.deliver(
        {
          ledgerKey: `${tenantId}/${daily ? 'digest' : 'summary'}/${recipient.toLowerCase()}/${bucket}/${slot}`,
          kind: daily ? 'digest' : 'storm_summary',
          seq: 0,
          template: daily ? 'digest' : 'storm_summary',
          priority: 'medium',
          recipient: person,
          snapshot: {
            tenantId,
            documentId: daily ? '(digest)' : '(summary)',
            documentType: '',
            fields: {},
            escalationLevel: 0,
          },
          actions: [],
        },
        {
          documents,
          digest_count: listable.length,
          digest_one: listable.length === 1,
          waiting_count: waitingCount,
          more_count: listable.length - listed.length,
          // Every waiting document, paged, with its links (the digest lists at most DIGEST_MAX_LISTED).
          waiting_url: daily && personal && waitingCount > 0 ? `${personal}/waiting` : '',
        },
      );
      // Reported: FYI and storm entries leave; waiting ones stay until their document moves on. The log says where
      // each email went. A storm summary that could not be sent (it failed for good, or its address is suppressed)
      // leaves too, its emails' rows saying so: sending it again and again would be a storm of its own.
      const reported = result.status === 'sent' || !daily ? listed.filter((e) => !daily || e.kind === 'fyi') : [];
      if (result.status !== 'sent' && !daily)
        await deps.notifications.markReported(
          listed.map((e) => e.ledgerKey),
          `storm: summary not sent (${result.status}: ${result.detail ?? ''})`,
        );
      if (result.status === 'sent' && daily)
        await deps.notifications.markDigested(
          tenantId,
          recipient,
          listed.map((e) => e.documentId),
          `digest: in ${result.messageId}`,
        );
      if (result.status === 'sent' && !daily)
        await deps.notifications.markReported(
          listed.map((e) => e.ledgerKey),
          `storm: in summary ${result.messageId}`,
        );
      await digests.remove(tenantId, recipient, bucket, [...gone, ...reported.map((e) => e.entryKey)]);
      // Ranks of windows a week gone are no longer asked for (a retry that late is past any retry policy).
      if (!daily) await digests.forgetStormsBefore(tenantId, recipient, slot - STORM_RANKS_KEPT_MS);
      log.info(
        { tenantId, recipient, bucket, listed: listed.length, gone: gone.length, status: result.status },
        daily ? 'digest' : 'storm summary',
      );
      const remaining = daily ? waitingCount : listable.length - reported.length;
      return { sent: result.status === 'sent', listed: listed.length, remaining, messageId: result.messageId };
    },
  };
}

/**
 * Files one entry and signals (or starts) the workflow that will send it: the row first, so a workflow that is
 * just finishing either sees it or is started again by the signal-with-start.
 */
export async function fileEntry(
  deps: Pick<DigestDeps, 'digests' | 'taskQueue'> & { client: Client },
  input: { tenantId: string; recipient: string; bucket: string; sendAt?: number; entry: StoredEntry },
): Promise<void> {
  const recipient = input.recipient.toLowerCase();
  await deps.digests.add(input.tenantId, recipient, input.bucket, input.entry);
  const args: [DigestWorkflowInput] = [
    { tenantId: input.tenantId, recipient, bucket: input.bucket, sendAt: input.sendAt },
  ];
  await deps.client.workflow.signalWithStart('digestWorkflow', {
    workflowId: digestWorkflowId(input.tenantId, recipient, input.bucket),
    taskQueue: deps.taskQueue,
    args,
    signal: digestAddedSignal,
    signalArgs: [],
  });
}
