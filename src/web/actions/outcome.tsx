/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The page after the click: what the Update did (the decision, or the snooze and the next reminder), or why it was
 * refused. A refusal's status and page come from FAILURES (src/domain/failures.ts); the words are the catalogue's.
 */
import { FAILURES, refusalPage } from '../../domain/failures';
import type { LinkClaims } from '../../links/token';
import type { DocumentView, SnoozeResult } from '../../workflows/types';
import { Say } from '../views/page';
import { AlreadyDecided, Summary, type FactsProps } from './facts';
import { spellDuration, when } from './format';
import { problemPage } from './problem';
import type { Page } from './respond';
import { decisionOf, type Decision } from './state';
import type { Outcome, Refusal, UpdateInput } from './update';
import type { SnoozeChoice } from './words';

/** What the result pages are built from; the document's state may be unknown after the Update. */
export interface ResultProps extends FactsProps {
  view: DocumentView | undefined;
  claims: LinkClaims;
  /** This deployment's snooze cap (SNOOZE_MAX_TOTAL), ms. */
  maxTotalMs: number;
}

type Success = Extract<Outcome, { ok: true }>;

/** A snooze: the duration asked for, and what the Update reported. */
interface SnoozeProps {
  asked: SnoozeChoice;
  result: SnoozeResult | undefined;
}

/** What a granted snooze did: by how much, and why less than asked when the cap or the due date shortened it. */
function SnoozeDone({ words, lang, claims, asked, result, maxTotalMs }: ResultProps & SnoozeProps) {
  const limited = result?.limitedBy;
  const applied = limited ? spellDuration(result.snoozedMs, lang) : words.snoozeChoices[asked];
  const done = (
    <p class="notice ok">
      <Say text={words.done.snooze.text} values={{ document: claims.documentId, duration: applied }} />
    </p>
  );
  if (!limited) return done;
  const max = spellDuration(result.maxTotalMs ?? maxTotalMs, lang);
  return (
    <>
      {done}
      <p class="notice">
        <Say text={words.snoozeLimited[limited]} values={{ asked: words.snoozeChoices[asked], applied, max }} />
      </p>
    </>
  );
}

/** The snooze's result and, when known, the next reminder's time. */
function Snoozed(props: ResultProps & SnoozeProps & { nextAt?: string }) {
  const { words, lang, zone, nextAt } = props;
  return (
    <>
      <SnoozeDone {...props} />
      {nextAt ? (
        <p>
          <Say text={words.nextReminder} values={{ at: when(nextAt, lang, zone) }} />
        </p>
      ) : null}
    </>
  );
}

/** The decision as recorded: who, when, the rejection's reason, and that a confirmation email follows. */
function Decided(props: ResultProps & { input: Exclude<UpdateInput, { action: 'snooze' }>; at: string | number }) {
  const { words, lang, zone, claims, input } = props;
  const values = { document: claims.documentId, actor: claims.recipient, at: when(props.at, lang, zone) };
  return (
    <>
      <p class="notice ok">
        <Say text={words.done[input.action].text} values={values} />
      </p>
      {input.action === 'reject' ? (
        <p>
          {words.facts.reason}: {input.reason}
        </p>
      ) : null}
      <p>{words.confirmationMail}</p>
    </>
  );
}

/** The page of a granted Update. */
export function successPage(props: ResultProps, input: UpdateInput, outcome: Success): Page {
  const done = props.words.done[input.action];
  const text =
    input.action === 'snooze' ? (
      <Snoozed {...props} asked={input.duration} result={outcome.snooze} nextAt={outcome.nextNotificationAt} />
    ) : (
      <Decided {...props} input={input} at={outcome.at ?? Date.now()} />
    );
  return {
    status: 200,
    title: done.title,
    body: (
      <>
        <h1>{done.title}</h1>
        {text}
        <Summary {...props} />
      </>
    ),
  };
}

/** The decision to show for a refusal: the refusal's own (AlreadyDecided), or the state's when it decided first. */
function refusalDecision(props: ResultProps, outcome: Refusal): Decision | undefined {
  const refusal = refusalPage(outcome.type);
  if (refusal.page === 'alreadyDecided')
    return (outcome.details as Decision | undefined) ?? decisionOf(props.view, props.claims.taskId);
  // decided, then the pipeline moved the document on
  return refusal.decidedFirst ? decisionOf(props.view, props.claims.taskId) : undefined;
}

/** The page of a refused Update: already decided (with who and when), else the refusal's problem page. */
export function refusedPage(props: ResultProps, outcome: Refusal): Page {
  const { words, lang, claims } = props;
  const refusal = refusalPage(outcome.type);
  const decision = refusalDecision(props, outcome);
  const summary = <Summary {...props} />;
  if (refusal.page === 'alreadyDecided' || decision) {
    const notice = decision ? (
      <AlreadyDecided {...props} decision={decision} />
    ) : (
      <p class="notice">{outcome.reason}</p>
    );
    return {
      status: FAILURES.AlreadyDecided.http,
      title: words.alreadyTitle,
      body: (
        <>
          <h1>{words.alreadyTitle}</h1>
          {notice}
          {summary}
        </>
      ),
    };
  }
  const page = refusal.page;
  const values: Record<string, string> =
    page === 'wrongRecipient'
      ? { recipient: claims.recipient }
      : page === 'snoozeLimit'
        ? { max: spellDuration(props.maxTotalMs, lang) }
        : page === 'badRequest'
          ? { reason: outcome.reason }
          : {};
  const extra = page === 'expired' || page === 'wrongRecipient' ? undefined : summary;
  return { status: refusal.http, ...problemPage(words, page, values, extra) };
}
