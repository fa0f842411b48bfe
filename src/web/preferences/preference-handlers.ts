/**
 * The preferences page's handlers: `GET|HEAD /preferences/{token}` shows the form, `POST` saves it (only from our own
 * page, with the form token bound to the link), `GET|HEAD /preferences/{token}/waiting` lists what waits.
 */
import type { FastifyReply } from 'fastify';
import { DAILY } from '../../domain/digest';
import { isMode, modesFor, PREFERENCE_KINDS } from '../../domain/preferences';
import { preferenceWordsFor } from './catalogue';
import type { PreferenceContext, PreferenceRequest } from './context';
import { preferencesPage, type ChosenModes, type FormNotice } from './form';
import { admit, crossSiteRefusal } from './guards';
import { problemPage } from './problem';
import { localeOf, sendPage } from './respond';
import { WAITING_PAGE_SIZE, waitingPage } from './waiting';

/** `GET|HEAD /preferences/{token}`: the form with the person's modes; nothing changes. */
export async function showPreferences(
  ctx: PreferenceContext,
  req: PreferenceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const lang = localeOf(req);
  const link = admit(ctx, req);
  if ('page' in link) return sendPage(reply, lang, link.page);
  const { claims, guard } = link;
  const token = req.params.token;
  const modes = await ctx.stores.preferences.get(claims.tenantId, claims.userKey);
  const formToken = guard.issue(token, Date.now());
  const words = preferenceWordsFor(lang);
  return sendPage(reply, lang, preferencesPage({ words, lang, claims, formToken, modes, status: 200 }));
}

/** The modes the form chose, or `undefined` when one is not among those its kind offers. */
function chosenModes(body: Record<string, unknown>): ChosenModes | undefined {
  const chosen: ChosenModes = {};
  let bad = false;
  for (const kind of PREFERENCE_KINDS) {
    const mode = body[kind];
    if (mode === undefined) continue;
    if (isMode(mode) && modesFor(kind).includes(mode)) chosen[kind] = mode;
    else bad = true;
  }
  return bad ? undefined : chosen;
}

/** `POST /preferences/{token}`: saves the chosen modes and shows the form again, saved or with what to correct. */
export async function savePreferences(
  ctx: PreferenceContext,
  req: PreferenceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const lang = localeOf(req);
  const words = preferenceWordsFor(lang);
  const token = req.params.token;
  const crossSite = crossSiteRefusal(ctx, req);
  if (crossSite) return sendPage(reply, lang, crossSite);
  const link = admit(ctx, req);
  if ('page' in link) return sendPage(reply, lang, link.page);
  const { claims, guard } = link;
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const formCheck = guard.check(body.csrf, token, Date.now());
  if (formCheck !== 'ok') {
    const problem = formCheck === 'expired' ? words.problems.formExpired : words.problems.crossSite;
    return sendPage(reply, lang, { status: 403, recipient: claims.recipient, ...problemPage(problem, 'error') });
  }
  const chosen = chosenModes(body);
  if (chosen) {
    await ctx.stores.preferences.set(claims.tenantId, claims.userKey, chosen);
    ctx.log.info({ tenantId: claims.tenantId, userKey: claims.userKey, modes: chosen }, 'email preferences saved');
  }
  const modes = await ctx.stores.preferences.get(claims.tenantId, claims.userKey);
  const formToken = guard.issue(token, Date.now());
  const notice: FormNotice = chosen ? { tone: 'ok', text: words.saved } : { tone: 'error', text: words.invalidChoice };
  const status = chosen ? 200 : 400;
  return sendPage(reply, lang, preferencesPage({ words, lang, claims, formToken, modes, status, notice }));
}

/** The `?page=` asked for, when it is a page number we serve; else the first. */
function pageAsked(req: PreferenceRequest): number {
  const asked = Number(req.query?.page ?? 1);
  return Number.isSafeInteger(asked) && asked >= 1 && asked <= 10_000 ? asked : 1;
}

/** `GET|HEAD /preferences/{token}/waiting`: one page of the person's digest entries (./waiting.tsx), one read each. */
export async function showWaiting(
  ctx: PreferenceContext,
  req: PreferenceRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const lang = localeOf(req);
  const link = admit(ctx, req);
  if ('page' in link) return sendPage(reply, lang, link.page);
  const { claims, keyring } = link;
  const page = pageAsked(req);
  const [{ entries, total }, person] = await Promise.all([
    ctx.stores.digests.page(
      claims.tenantId,
      claims.recipient,
      DAILY,
      WAITING_PAGE_SIZE,
      (page - 1) * WAITING_PAGE_SIZE,
    ),
    ctx.stores.directory.resolve(claims.tenantId, claims.recipient).then((people) => people[0]),
  ]);
  const view = waitingPage({
    lang,
    tenantId: claims.tenantId,
    recipient: claims.recipient,
    timeZone: person?.timeZone,
    entries,
    total,
    page,
    path: `/preferences/${encodeURIComponent(req.params.token)}/waiting`,
    publicBaseUrl: ctx.config.PUBLIC_BASE_URL,
    keyring,
    now: Date.now(),
  });
  return sendPage(reply, lang, { status: 200, recipient: claims.recipient, ...view });
}
