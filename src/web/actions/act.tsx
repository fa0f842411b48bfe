/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * `POST /actions/{token}`: the person's click on the confirmation page's form. It must come from our own page (a
 * same-origin request carrying the form token bound to the link); it runs the link's Update and shows what happened.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { snoozeMaxTotalMs } from '../../config';
import { tokenFingerprint } from '../../links/redact';
import type { LinkClaims } from '../../links/token';
import type { FormCheck, FormGuard } from '../form-guard';
import type { Locale } from '../locales';
import { wordsFor } from './catalogue';
import type { ActionContext, ActionRequest } from './context';
import { Confirmation } from './form';
import { admit } from './guards';
import { refusedPage, successPage, type ResultProps } from './outcome';
import { problemPage } from './problem';
import { localeOf, sendPage, type Page } from './respond';
import { loadState, stateAndZone, zoneOf } from './state';
import { runUpdate, type UpdateInput } from './update';
import { MAX_REASON_LENGTH, SNOOZE_CHOICES, type ActionWords, type FormAction } from './words';

/** The confirmation form's fields, bounded (the route's body limit bounds the reason). */
const formSchema = z.object({
  csrf: z.string().max(200).optional(),
  lang: z.string().max(20).optional(),
  reason: z.string().optional(),
  duration: z.string().max(10).optional(),
});

/** The posted form's fields. */
type PostedForm = z.infer<typeof formSchema>;

/** The form's fields from the parsed body; a body of another shape counts as an empty form. */
function readForm(body: unknown): PostedForm {
  const parsed = formSchema.safeParse(body && typeof body === 'object' ? body : {});
  return parsed.success ? parsed.data : {};
}

/** The Update's input from the form, or what the person must correct: a reason to reject, a duration offered. */
function checkInput(words: ActionWords, action: FormAction, form: PostedForm): UpdateInput | { error: string } {
  if (action === 'snooze') {
    const duration = SNOOZE_CHOICES.find((choice) => choice === form.duration);
    return duration ? { action, duration } : { error: words.snoozeRequired };
  }
  const reason = form.reason?.trim() ?? '';
  if (action === 'reject' && (reason === '' || reason.length > MAX_REASON_LENGTH))
    return { error: words.reasonRequired };
  return { action, reason };
}

/** A refused form token: 403, "this page has expired" when it is only old, else "request refused". */
function formTokenRefusal(req: ActionRequest, token: string, words: ActionWords, check: FormCheck): Page {
  req.log.warn({ check, ip: req.ip, fingerprint: tokenFingerprint(token) }, 'action POST refused: form token');
  const again = (
    <p>
      <a href="">{words.openAgain}</a>
    </p>
  );
  return { status: 403, ...problemPage(words, check === 'expired' ? 'formExpired' : 'crossSite', {}, again) };
}

/** A verified link's POST, once it came from our page. */
interface Submission {
  ctx: ActionContext;
  claims: LinkClaims;
  token: string;
  guard: FormGuard;
  words: ActionWords;
  lang: Locale;
}

/** The confirmation page again, 400, with what to correct. */
async function correctionPage(
  { ctx, claims, token, guard, words, lang }: Submission,
  action: FormAction,
  form: PostedForm,
  error: string,
): Promise<Page> {
  const [view, zone] = await stateAndZone(ctx, claims);
  const csrf = guard.issue(token, Date.now());
  const input = { reason: form.reason, error };
  return {
    status: 400,
    title: words.confirm[action].title,
    body: (
      <Confirmation
        words={words}
        lang={lang}
        zone={zone}
        view={view}
        claims={claims}
        action={action}
        csrf={csrf}
        input={input}
      />
    ),
  };
}

/** Runs the Update and builds the page of what it did (logged when granted; the token never is). */
async function outcomePage(submission: Submission, input: UpdateInput): Promise<Page> {
  const { ctx, claims, token, words, lang } = submission;
  const outcome = await runUpdate(ctx, claims, token, input);
  const [view, zone] = await Promise.all([loadState(ctx, claims).catch(() => undefined), zoneOf(ctx, claims)]);
  const props: ResultProps = { words, lang, zone, view, claims, maxTotalMs: snoozeMaxTotalMs(ctx.config) };
  if (!outcome.ok) return refusedPage(props, outcome);
  const { tenantId, documentId, taskId, recipient } = claims;
  ctx.log.info(
    { tenantId, documentId, taskId, action: input.action, actor: recipient, via: 'link' },
    'action link used',
  );
  return successPage(props, input, outcome);
}

/** POST: the person's click. Runs the Update and shows what happened. */
export async function actOnLink(ctx: ActionContext, req: ActionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const lang = localeOf(req);
  const words = wordsFor(lang);
  const admitted = admit(ctx, req, { post: true });
  if ('page' in admitted) return sendPage(reply, lang, admitted.page);
  const { token, claims, guard } = admitted;
  const recipient = claims.recipient;
  if (claims.action === 'open') {
    const page = { status: 405, headers: { allow: 'GET, HEAD' }, ...problemPage(words, 'nothingToSubmit') };
    return sendPage(reply, lang, { ...page, recipient });
  }
  const form = readForm(req.body);
  const check = guard.check(form.csrf, token, Date.now());
  if (check !== 'ok') return sendPage(reply, lang, { ...formTokenRefusal(req, token, words, check), recipient });

  const submission: Submission = { ctx, claims, token, guard, words, lang };
  const action = claims.action as FormAction;
  const input = checkInput(words, action, form);
  const page =
    'error' in input
      ? await correctionPage(submission, action, form, input.error)
      : await outcomePage(submission, input);
  return sendPage(reply, lang, { ...page, recipient });
}
