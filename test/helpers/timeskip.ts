/**
 * The time-skipping world (issue 4): the REAL document workflow on Temporal's Java time-skipping test server,
 * with test doubles for its activities. Days of reminders take seconds; instants are read in workflow time.
 *
 * - `loadContext` answers the PlanContext a test registered for its tenant (`world.context(tenantId, ctx)`).
 * - `prepareNotification` returns one EmailJob per planned notification: to the assignee, or to `manager@…`
 *   for an escalation (the assignee and the decision's actor for a decision confirmation).
 * - `sendEmail` (on the email task queue, its own Worker) records the job and answers `sent`.
 * - `deliverDecision` records its calls.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { DateTime } from 'luxon';
import { DocnotifyClient } from '../../src/client';
import type { EmailJob, PrepareResult, SendResult } from '../../src/activities';
import { parseCalendarConfig, toBusinessCalendar } from '../../src/calendar/schema';
import type { BusinessCalendar } from '../../src/domain/calendar';
import type { PlanContext, PlannedNotification } from '../../src/domain/plan';
import { emailTaskQueue } from '../../src/domain/queues';
import { ruleInputSchema, type Rule, type RuleInput } from '../../src/domain/rules';
import { SEARCH_ATTRIBUTES, toolPath } from '../../src/dev/services';
import type { DocumentSnapshot, DocumentView } from '../../src/workflows/types';
import { workflowBundle } from './env';

export const MANAGER = 'manager@example.com';
export const DAY = 86_400_000;
export const HOUR = 3_600_000;

/** Mon–Fri 09:00–18:00 Europe/Madrid with Spanish national holidays (2026–2027 by default). */
export function spanishCalendar(fromYear = 2026, toYear = 2027): BusinessCalendar {
  return toBusinessCalendar(
    parseCalendarConfig({
      timeZone: 'Europe/Madrid',
      workingDays: [1, 2, 3, 4, 5],
      workingHours: { start: '09:00', end: '18:00' },
      holidays: { country: 'ES' },
    }),
    fromYear,
    toYear,
  );
}

/** A Friday whose next Tuesday is a holiday, with the other days of that week working: local dates 'YYYY-MM-DD'. */
export interface HolidayWeek {
  friday: string;
  monday: string;
  tuesday: string;
  wednesday: string;
  thursday: string;
  calendar: BusinessCalendar;
}

/**
 * The week of the example (Friday 2026-12-04, Tuesday 8 December a holiday) while that Friday 17:00 is
 * still ahead of `now`; afterwards the next week of the same shape in Spain, so the test keeps its meaning.
 */
export function holidayWeek(now: number): HolidayWeek {
  const year = new Date(now).getUTCFullYear();
  const calendar = year <= 2026 ? spanishCalendar() : spanishCalendar(year, year + 3);
  const holidays = new Set(calendar.holidays);
  const date = (t: number) => new Date(t).toISOString().slice(0, 10);
  const working = (d: string) => !holidays.has(d) && ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
  const end = Date.parse(`${Number(calendar.holidays.at(-1)!.slice(0, 4))}-12-01T00:00:00Z`);
  for (let t = Date.parse(`${date(now)}T00:00:00Z`); t < end; t += DAY) {
    if (new Date(t).getUTCDay() !== 5) continue;
    const [friday, monday, tuesday, wednesday, thursday] = [0, 3, 4, 5, 6].map((k) => date(t + k * DAY));
    if (madrid(`${friday}T17:00`) <= now + HOUR) continue;
    if (working(friday) && working(monday) && holidays.has(tuesday) && working(wednesday) && working(thursday))
      return { friday, monday, tuesday, wednesday, thursday, calendar };
  }
  throw new Error('no week with a Tuesday holiday found');
}

let ruleSeq = 0;
/** A real Rule: the input parsed by the rule schema, plus an id and a version. */
export function makeRule(tenantId: string, input: Omit<RuleInput, 'tenantId'>): Rule {
  return { ...ruleInputSchema.parse({ ...input, tenantId }), id: `rule-${++ruleSeq}`, version: 1 };
}

/** What an activity double saw, with the server (workflow) time at which it was scheduled. */
export interface SentEmail {
  job: EmailJob;
  /** Server time the sendEmail activity was scheduled (time-skipping clock). */
  scheduledAt: number;
}

export class TimeSkipWorld {
  readonly taskQueue = `ts-${randomUUID().slice(0, 8)}`;
  readonly client: DocnotifyClient;
  readonly contexts = new Map<string, PlanContext>();
  readonly prepared: PlannedNotification[] = [];
  readonly sent: SentEmail[] = [];
  readonly decisions: { snapshot: DocumentSnapshot; key: string }[] = [];
  /** What `digestSchedule` answers (the person's calendar, zone and time of day). */
  digestSchedule: { calendar: BusinessCalendar; timeZone?: string; time: string } | undefined;
  /** How many documents `sendDigest` finds still waiting (0: nothing to send, the digest ends). */
  digestWaiting = 0;
  /** Every `sendDigest` call, with the server time it was scheduled at. */
  readonly digests: {
    input: { tenantId: string; recipient: string; bucket: string; slot: number };
    scheduledAt: number;
  }[] = [];
  private running: Promise<unknown> | undefined;
  private workers: Worker[] = [];

  private constructor(readonly env: TestWorkflowEnvironment) {
    this.client = new DocnotifyClient(env.client, this.taskQueue);
  }

  static async start(): Promise<TimeSkipWorld> {
    installQuietRuntime();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: toolPath('temporal-test-server') } },
    });
    const world = new TimeSkipWorld(env);
    try {
      await registerSearchAttributes(env);
      await world.startWorkers();
    } catch (e) {
      await env.teardown();
      throw e;
    }
    return world;
  }

  private async startWorkers(): Promise<void> {
    const activities = {
      loadContext: async (input: {
        tenantId: string;
        documentType: string;
        assignee?: string;
      }): Promise<PlanContext> => {
        const ctx = this.contexts.get(input.tenantId);
        if (!ctx) throw new Error(`no PlanContext registered for tenant ${input.tenantId}`);
        return ctx;
      },
      // Reads the context only: the workflow then prepares each email through prepareNotification (the real
      // activity's preparing ahead is covered by the integration tests, against PostgreSQL).
      loadContextAndPrepare: async (input: { context: { tenantId: string } }): Promise<{ context: PlanContext }> => {
        const ctx = this.contexts.get(input.context.tenantId);
        if (!ctx) throw new Error(`no PlanContext registered for tenant ${input.context.tenantId}`);
        return { context: ctx };
      },
      prepareNotification: async (input: {
        planned: PlannedNotification;
        snapshot: DocumentSnapshot;
      }): Promise<PrepareResult> => {
        const { planned: p, snapshot: s } = input;
        this.prepared.push(p);
        const to =
          p.kind === 'escalation'
            ? [MANAGER]
            : p.kind === 'decision'
              ? [...new Set([s.decision?.actor, s.assignee].filter((x): x is string => !!x))]
              : s.assignee
                ? [s.assignee]
                : [];
        if (to.length === 0) return { emails: [], skipped: 'no recipients' };
        return {
          emails: to.map((email) => ({
            ledgerKey: `${s.tenantId}/${s.documentId}/${p.key}/${email}`,
            kind: p.kind,
            seq: p.seq,
            template: p.template,
            priority: 'medium',
            ruleId: p.ruleId || undefined,
            recipient: { email },
            snapshot: s,
            actions: [],
          })),
        };
      },
      deliverDecision: async (input: { snapshot: DocumentSnapshot; key: string }): Promise<{ delivered: boolean }> => {
        this.decisions.push(input);
        return { delivered: true };
      },
      digestSchedule: async () => {
        if (!this.digestSchedule) throw new Error('no digest schedule registered');
        return this.digestSchedule;
      },
    };
    const sendDigest = async (input: { tenantId: string; recipient: string; bucket: string; slot: number }) => {
      this.digests.push({ input, scheduledAt: Context.current().info.currentAttemptScheduledTimestampMs });
      const listed = this.digestWaiting;
      return { sent: listed > 0, listed, remaining: listed };
    };
    const sendEmail = async (job: EmailJob): Promise<SendResult> => {
      this.sent.push({ job, scheduledAt: Context.current().info.currentAttemptScheduledTimestampMs });
      return {
        ledgerKey: job.ledgerKey,
        to: job.recipient.email,
        status: 'sent',
        messageId: `<${job.ledgerKey}@test.example>`,
        detail: '250 OK',
        linked: job.kind !== 'decision',
      };
    };
    const connection = this.env.nativeConnection;
    this.workers = [
      await Worker.create({
        connection,
        taskQueue: this.taskQueue,
        workflowBundle: await workflowBundle(),
        activities,
      }),
      await Worker.create({
        connection,
        taskQueue: emailTaskQueue(this.taskQueue),
        activities: { sendEmail, sendDigest },
      }),
    ];
    this.running = Promise.all(this.workers.map((w) => w.run()));
  }

  /** Registers the context `loadContext` answers for this tenant's documents. */
  context(tenantId: string, ctx: PlanContext): void {
    this.contexts.set(tenantId, ctx);
  }

  /** Server (workflow) time now. */
  now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** Advances the server clock to `instant` (no-op if it is already past). */
  async advanceTo(instant: number): Promise<void> {
    const now = await this.now();
    if (instant > now) await this.env.sleep(instant - now);
  }

  /** Advances the server clock by `ms`; timers that fall due meanwhile fire, at their own instants. */
  advance(ms: number): Promise<void> {
    return this.env.sleep(ms);
  }

  state(tenantId: string, documentId: string): Promise<DocumentView> {
    return this.client.getState(documentId, tenantId);
  }

  async stop(): Promise<void> {
    for (const w of this.workers) if (w.getState() === 'RUNNING') w.shutdown();
    await this.running?.catch(() => undefined);
    await this.env.teardown();
  }
}

/** The test server knows only its built-in search attributes: add docnotify's (its operator service supports this). */
async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTES).map(([name, t]) => [
        name,
        encodeSearchAttributeIndexedValueType(t.toUpperCase() as 'KEYWORD' | 'BOOL' | 'INT' | 'DATETIME')!,
      ]),
    ),
  });
}

let runtimeInstalled = false;
function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // The test server is not a real Temporal Server: core warns about capabilities it does not advertise.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
  } catch {
    // already installed by another helper in this process
  }
}

/** An email as the workflow recorded it, with the instant as epoch ms. */
export interface Sent {
  kind: string;
  to: string;
  at: number;
  key: string;
}

/** The workflow's own record of its emails (`documentState.emails`, `at` in workflow time), oldest first. */
export function emailsOf(view: DocumentView): Sent[] {
  return view.emails
    .map((e) => ({ kind: e.kind, to: e.to, at: Date.parse(e.at), key: e.key }))
    .sort((a, b) => a.at - b.at || a.key.localeCompare(b.key));
}

/** An instant given as a wall-clock time in a zone, e.g. wallTime('2026-12-04T17:00', 'Europe/Madrid'). */
export function wallTime(local: string, zone: string): number {
  const d = DateTime.fromISO(local, { zone });
  if (!d.isValid) throw new Error(`${local} in ${zone}: ${d.invalidExplanation ?? d.invalidReason}`);
  return d.toMillis();
}

export const madrid = (local: string): number => wallTime(local, 'Europe/Madrid');

/** Madrid wall-clock form of an instant, for readable failures: "Thu 2026-12-10 17:00:00.123". */
export function showMadrid(t: number): string {
  return DateTime.fromMillis(t, { zone: 'Europe/Madrid' }).toFormat('ccc yyyy-MM-dd HH:mm:ss.SSS');
}
