/**
 * Personal email preferences pages (docs/preferences.md), reached from the signed link in every email's footer and
 * from the `List-Unsubscribe` header of FYI email. No account and no password: the signed link is the credential.
 *
 * - `GET|HEAD /preferences/{token}` shows the kinds with their modes; nothing changes.
 * - `POST /preferences/{token}` saves them: only from our own page (same origin, and a form token bound to the link,
 *   as the action pages do, {@link FormGuard}).
 * - `GET|HEAD /preferences/{token}/unsubscribe?kind=<kind>` shows a confirmation page; nothing changes (mail
 *   scanners fetch every link and every header URL).
 * - `POST /preferences/{token}/unsubscribe?kind=<kind>` with the body `List-Unsubscribe=One-Click` (RFC 8058; url-
 *   encoded or multipart, no cookies, no form token: mail providers post it from their servers) turns that kind off
 *   and answers 200. The confirmation page's button posts the same body.
 *
 * Rate limited per link and per client address; pages are never cached, framed, indexed or scripted; tokens never
 * appear in log lines (routes log at `warn` and above; refusals log the token's fingerprint).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  isFyiKind,
  isMode,
  modesFor,
  PREFERENCE_KINDS,
  type FyiKind,
  type Mode,
  type PreferenceKind,
} from '../domain/preferences';
import { tokenFingerprint } from '../links/redact';
import { Keyring, type PreferenceClaims, type VerifyFailure } from '../links/token';
import { FormGuard, pickPageLocale } from './actions';
import type { WebDeps } from './deps';
import { WAITING_PAGE_SIZE, waitingPage } from './waiting';
import { DAILY } from '../domain/digest';
import { fill, html, isSameOrigin, PAGE_HEADERS, renderPage, type Html } from './pages';
import { addressKey, TokenBuckets, type BucketOptions } from './rate-limit';

type Locale = 'en' | 'es' | 'de';

/** Options of {@link preferenceRoutes}; the defaults suit production. */
export interface PreferenceRoutesOptions {
  /** @default 20 in a burst, then 1 every 3 s */
  perLink?: BucketOptions;
  /** @default 40 in a burst, then 1 per second */
  perAddress?: BucketOptions;
  /** How long a shown form can be submitted, ms. @default 1 hour */
  formTtlMs?: number;
}

type Problem = 'invalid' | 'forged' | 'expired' | 'retired' | 'disabled' | 'badKind' | 'crossSite' | 'formExpired';

interface Words {
  title: string;
  lead: string;
  kinds: Record<PreferenceKind, { label: string; hint: string }>;
  modes: Record<Mode, string>;
  cannotOff: string;
  digestNote: string;
  save: string;
  saved: string;
  invalidChoice: string;
  unsubscribeTitle: string;
  unsubscribeLead: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  unsubscribedText: string;
  oneClickMissing: string;
  allPreferences: string;
  nothingYet: string;
  tooMany: { title: string; text: string };
  unavailable: { title: string; text: string };
  problems: Record<Problem, { title: string; text: string }>;
  footer: string;
}

const WORDS: Record<Locale, Words> = {
  en: {
    title: 'Email preferences',
    lead: 'Choose how docnotify emails {recipient} about documents.',
    kinds: {
      processing_completed: {
        label: 'Processing completed',
        hint: 'A document was exported, and other status news that asks nothing of you (received, approved, rejected, deleted).',
      },
      comments: { label: 'Comments', hint: 'Someone commented on a document.' },
      decision_confirmations: {
        label: 'Decision confirmations',
        hint: 'Confirmation that a document was approved, rejected or validated.',
      },
      escalation_copies: {
        label: 'Escalation copies',
        hint: 'Copies of escalations about documents someone else has to act on.',
      },
      action_required: {
        label: 'Action required',
        hint: 'Documents waiting for you: approvals, validations, reminders, due dates, escalations to you.',
      },
    },
    modes: { immediate: 'Immediately', digest: 'In the digest', off: 'Off' },
    cannotOff: "Can't be turned off, only moved to the digest.",
    digestNote: 'The digest is one email on each working day at 08:00 your time, listing what waits for you.',
    save: 'Save preferences',
    saved: 'Your preferences were saved.',
    invalidChoice: 'Please choose one of the options offered for each kind.',
    unsubscribeTitle: 'Unsubscribe from {kind}?',
    unsubscribeLead: '{recipient} will no longer get "{kind}" emails. Nothing changes until you press the button.',
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'Unsubscribed',
    unsubscribedText: '{recipient} will no longer get "{kind}" emails.',
    oneClickMissing: 'This address only accepts the one-click unsubscribe request (List-Unsubscribe=One-Click).',
    allPreferences: 'All email preferences',
    nothingYet: 'Nothing changes until you press the button.',
    tooMany: {
      title: 'Too many requests',
      text: 'This link was opened too often in a short time. Please wait a minute and try again.',
    },
    unavailable: {
      title: 'Temporarily unavailable',
      text: 'docnotify could not read or save your preferences right now. Nothing was changed; please try again later.',
    },
    problems: {
      invalid: { title: 'This link is not valid', text: 'Copy the complete link from the email.' },
      forged: { title: 'This link is not valid', text: 'The link was not issued by docnotify or has been changed.' },
      expired: { title: 'This link has expired', text: 'Use the link in a more recent email.' },
      retired: {
        title: 'This link is no longer valid',
        text: 'It was signed with a key that has since been withdrawn. Use the link in a more recent email.',
      },
      disabled: { title: 'Preferences links are not enabled', text: 'This docnotify server signs no links.' },
      badKind: { title: 'Unknown kind of email', text: 'Open your email preferences to choose what you get.' },
      crossSite: {
        title: 'Request refused',
        text: 'For your protection nothing was changed: the request did not come from this page. Open the link from the email again.',
      },
      formExpired: {
        title: 'This page has expired',
        text: 'The page was open for too long. Open the link again and save.',
      },
    },
    footer: 'docnotify · preferences of {recipient}',
  },
  es: {
    title: 'Preferencias de correo',
    lead: 'Elija cómo docnotify escribe a {recipient} sobre documentos.',
    kinds: {
      processing_completed: {
        label: 'Procesamiento completado',
        hint: 'Un documento se exportó, y otras novedades de estado que no le piden nada (recibido, aprobado, rechazado, eliminado).',
      },
      comments: { label: 'Comentarios', hint: 'Alguien comentó un documento.' },
      decision_confirmations: {
        label: 'Confirmaciones de decisión',
        hint: 'Confirmación de que un documento fue aprobado, rechazado o validado.',
      },
      escalation_copies: {
        label: 'Copias de escalados',
        hint: 'Copias de escalados sobre documentos en los que otra persona debe actuar.',
      },
      action_required: {
        label: 'Acción requerida',
        hint: 'Documentos que esperan por usted: aprobaciones, validaciones, recordatorios, vencimientos, escalados a usted.',
      },
    },
    modes: { immediate: 'Inmediatamente', digest: 'En el resumen', off: 'Desactivado' },
    cannotOff: 'No se puede desactivar, solo pasar al resumen.',
    digestNote: 'El resumen es un solo correo cada día laborable a las 08:00 de su hora, con lo que espera por usted.',
    save: 'Guardar preferencias',
    saved: 'Sus preferencias se guardaron.',
    invalidChoice: 'Elija una de las opciones ofrecidas para cada tipo.',
    unsubscribeTitle: '¿Darse de baja de {kind}?',
    unsubscribeLead: '{recipient} dejará de recibir correos de «{kind}». No cambia nada hasta que pulse el botón.',
    unsubscribeButton: 'Darse de baja',
    unsubscribedTitle: 'Baja realizada',
    unsubscribedText: '{recipient} ya no recibirá correos de «{kind}».',
    oneClickMissing: 'Esta dirección solo acepta la baja con un clic (List-Unsubscribe=One-Click).',
    allPreferences: 'Todas las preferencias de correo',
    nothingYet: 'No cambia nada hasta que pulse el botón.',
    tooMany: {
      title: 'Demasiadas solicitudes',
      text: 'Este enlace se abrió demasiadas veces en poco tiempo. Espere un minuto e inténtelo de nuevo.',
    },
    unavailable: {
      title: 'No disponible temporalmente',
      text: 'docnotify no pudo leer ni guardar sus preferencias. No se cambió nada; inténtelo más tarde.',
    },
    problems: {
      invalid: { title: 'Este enlace no es válido', text: 'Copie el enlace completo del correo.' },
      forged: { title: 'Este enlace no es válido', text: 'El enlace no lo emitió docnotify o fue modificado.' },
      expired: { title: 'Este enlace ha caducado', text: 'Use el enlace de un correo más reciente.' },
      retired: {
        title: 'Este enlace ya no es válido',
        text: 'Se firmó con una clave retirada. Use el enlace de un correo más reciente.',
      },
      disabled: { title: 'Los enlaces de preferencias no están activos', text: 'Este servidor no firma enlaces.' },
      badKind: { title: 'Tipo de correo desconocido', text: 'Abra sus preferencias de correo para elegir qué recibe.' },
      crossSite: {
        title: 'Solicitud rechazada',
        text: 'Por su seguridad no se cambió nada: la solicitud no vino de esta página. Abra de nuevo el enlace del correo.',
      },
      formExpired: {
        title: 'Esta página ha caducado',
        text: 'La página estuvo abierta demasiado tiempo. Abra el enlace de nuevo y guarde.',
      },
    },
    footer: 'docnotify · preferencias de {recipient}',
  },
  de: {
    title: 'E-Mail-Einstellungen',
    lead: 'Wählen Sie, wie docnotify {recipient} über Dokumente benachrichtigt.',
    kinds: {
      processing_completed: {
        label: 'Verarbeitung abgeschlossen',
        hint: 'Ein Dokument wurde exportiert, und andere Statusmeldungen, die nichts von Ihnen verlangen (eingegangen, freigegeben, abgelehnt, gelöscht).',
      },
      comments: { label: 'Kommentare', hint: 'Jemand hat ein Dokument kommentiert.' },
      decision_confirmations: {
        label: 'Entscheidungsbestätigungen',
        hint: 'Bestätigung, dass ein Dokument freigegeben, abgelehnt oder validiert wurde.',
      },
      escalation_copies: {
        label: 'Eskalationskopien',
        hint: 'Kopien von Eskalationen zu Dokumenten, bei denen jemand anderes handeln muss.',
      },
      action_required: {
        label: 'Handlung erforderlich',
        hint: 'Dokumente, die auf Sie warten: Freigaben, Validierungen, Erinnerungen, Fälligkeiten, Eskalationen an Sie.',
      },
    },
    modes: { immediate: 'Sofort', digest: 'In der Zusammenfassung', off: 'Aus' },
    cannotOff: 'Kann nicht abgeschaltet, nur in die Zusammenfassung verschoben werden.',
    digestNote:
      'Die Zusammenfassung ist eine E-Mail an jedem Arbeitstag um 08:00 Ihrer Zeit mit allem, was auf Sie wartet.',
    save: 'Einstellungen speichern',
    saved: 'Ihre Einstellungen wurden gespeichert.',
    invalidChoice: 'Bitte wählen Sie für jede Art eine der angebotenen Möglichkeiten.',
    unsubscribeTitle: '{kind} abbestellen?',
    unsubscribeLead:
      '{recipient} erhält keine E-Mails „{kind}“ mehr. Es ändert sich nichts, bis Sie die Schaltfläche drücken.',
    unsubscribeButton: 'Abbestellen',
    unsubscribedTitle: 'Abbestellt',
    unsubscribedText: '{recipient} erhält keine E-Mails „{kind}“ mehr.',
    oneClickMissing: 'Diese Adresse nimmt nur die Ein-Klick-Abmeldung an (List-Unsubscribe=One-Click).',
    allPreferences: 'Alle E-Mail-Einstellungen',
    nothingYet: 'Es ändert sich nichts, bis Sie die Schaltfläche drücken.',
    tooMany: {
      title: 'Zu viele Anfragen',
      text: 'Dieser Link wurde in kurzer Zeit zu oft geöffnet. Bitte warten Sie eine Minute.',
    },
    unavailable: {
      title: 'Vorübergehend nicht verfügbar',
      text: 'docnotify konnte Ihre Einstellungen gerade nicht lesen oder speichern. Es wurde nichts geändert.',
    },
    problems: {
      invalid: { title: 'Dieser Link ist ungültig', text: 'Kopieren Sie den vollständigen Link aus der E-Mail.' },
      forged: {
        title: 'Dieser Link ist ungültig',
        text: 'Der Link stammt nicht von docnotify oder wurde verändert.',
      },
      expired: { title: 'Dieser Link ist abgelaufen', text: 'Verwenden Sie den Link einer neueren E-Mail.' },
      retired: {
        title: 'Dieser Link ist nicht mehr gültig',
        text: 'Er wurde mit einem zurückgezogenen Schlüssel signiert. Verwenden Sie den Link einer neueren E-Mail.',
      },
      disabled: { title: 'Einstellungslinks sind nicht aktiviert', text: 'Dieser Server signiert keine Links.' },
      badKind: { title: 'Unbekannte E-Mail-Art', text: 'Öffnen Sie Ihre E-Mail-Einstellungen.' },
      crossSite: {
        title: 'Anfrage abgelehnt',
        text: 'Zu Ihrem Schutz wurde nichts geändert: Die Anfrage kam nicht von dieser Seite. Öffnen Sie den Link aus der E-Mail erneut.',
      },
      formExpired: {
        title: 'Diese Seite ist abgelaufen',
        text: 'Die Seite war zu lange geöffnet. Öffnen Sie den Link erneut und speichern Sie.',
      },
    },
    footer: 'docnotify · Einstellungen von {recipient}',
  },
};

type Req = FastifyRequest<{ Params: { token: string }; Querystring: Record<string, unknown>; Body: unknown }>;

interface Page {
  status: number;
  title: string;
  body: Html;
  recipient?: string;
  headers?: Record<string, string>;
}

/** `text` with `{name}` placeholders filled in bold (values escaped). */
function say(text: string, values: Record<string, string> = {}): Html {
  const parts = text.split(/\{(\w+)\}/);
  return html`${parts.map((p, i) => (i % 2 === 0 ? p : html`<strong>${values[p] ?? ''}</strong>`))}`;
}

/**
 * Is the body the RFC 8058 one-click request? `List-Unsubscribe=One-Click`, url-encoded (parsed by formbody) or as
 * a multipart/form-data field (kept raw by this scope's parser).
 */
export function isOneClick(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  if (b['List-Unsubscribe'] === 'One-Click') return true;
  const raw = b[RAW_MULTIPART];
  return (
    typeof raw === 'string' &&
    /content-disposition:\s*form-data;\s*name="?List-Unsubscribe"?\s*\r?\n(?:[^\r\n]+\r?\n)*\r?\nOne-Click\r?\n/i.test(
      raw,
    )
  );
}

const RAW_MULTIPART = '__multipart';

/** Registers the preferences pages with the default options (buildServer does). */
export async function registerPreferences(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await preferenceRoutes()(app, deps);
}

/** The preferences pages as a `buildServer` plugin, with options (tests tune limits with them). */
export function preferenceRoutes(
  options: PreferenceRoutesOptions = {},
): (app: FastifyInstance, deps: WebDeps) => Promise<void> {
  return async (app, deps) => {
    const { config, stores, log } = deps;
    const secret = config.ACTION_LINK_SECRET;
    const keyring = secret ? Keyring.fromString(secret) : undefined;
    const guard = secret ? new FormGuard(secret, options.formTtlMs) : undefined;
    const perLink = new TokenBuckets(options.perLink ?? { capacity: 20, refillPerSecond: 1 / 3 });
    const perAddress = new TokenBuckets(options.perAddress ?? { capacity: 40, refillPerSecond: 1 });
    const publicOrigin = new URL(config.PUBLIC_BASE_URL).origin;

    await app.register(async (scope) => {
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.headers(PAGE_HEADERS);
        return payload;
      });
      // RFC 8058 allows the one-click POST as multipart/form-data: kept raw, read by isOneClick.
      scope.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 16_384 }, (_req, body, done) =>
        done(null, { [RAW_MULTIPART]: body }),
      );
      scope.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
        const lang = localeOf(req as Req);
        const t = WORDS[lang];
        if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
          return send(reply, lang, { status: err.statusCode, ...problemPage(t.problems.invalid, 'error') });
        req.log.error({ err }, 'preferences page failed');
        return send(reply, lang, { status: 503, ...problemPage(t.unavailable, 'warn') });
      });

      const routeOptions = { logLevel: 'warn' as const, bodyLimit: 16_384 };
      scope.get('/preferences/:token', { ...routeOptions, exposeHeadRoute: true }, (req: Req, reply) =>
        showPreferences(req, reply),
      );
      scope.post('/preferences/:token', routeOptions, (req: Req, reply) => savePreferences(req, reply));
      scope.get('/preferences/:token/unsubscribe', { ...routeOptions, exposeHeadRoute: true }, (req: Req, reply) =>
        showUnsubscribe(req, reply),
      );
      scope.post('/preferences/:token/unsubscribe', routeOptions, (req: Req, reply) => unsubscribe(req, reply));
      scope.get('/preferences/:token/waiting', { ...routeOptions, exposeHeadRoute: true }, (req: Req, reply) =>
        showWaiting(req, reply),
      );
    });

    function localeOf(req: Req): Locale {
      const body = req.body as { lang?: unknown } | undefined;
      return pickPageLocale(req.query?.lang ?? body?.lang, req.headers['accept-language']);
    }

    function send(reply: FastifyReply, lang: Locale, page: Page): FastifyReply {
      const footer = page.recipient ? fill(WORDS[lang].footer, { recipient: page.recipient }) : undefined;
      return reply
        .code(page.status)
        .headers(page.headers ?? {})
        .send(renderPage({ lang, title: page.title, body: page.body, footer }));
    }

    function problemPage(p: { title: string; text: string }, tone: 'warn' | 'error'): { title: string; body: Html } {
      return { title: p.title, body: html`<h1>${p.title}</h1><p class="notice ${tone}">${p.text}</p>` };
    }

    /** Rate limits, then the link; a failure is its page. */
    function check(req: Req): { claims: PreferenceClaims } | { page: Page } {
      const token = req.params.token;
      const t = WORDS[localeOf(req)];
      for (const [buckets, key] of [
        [perAddress, `a:${addressKey(req.ip)}`],
        [perLink, `l:${tokenFingerprint(token)}`],
      ] as const) {
        const r = buckets.take(key);
        if (!r.ok)
          return {
            page: {
              status: 429,
              headers: { 'retry-after': String(r.retryAfterSeconds) },
              ...problemPage(t.tooMany, 'warn'),
            },
          };
      }
      if (!keyring) return { page: { status: 404, ...problemPage(t.problems.disabled, 'error') } };
      const r = keyring.verifyPreferences(token, Date.now());
      if (r.ok) return { claims: r.claims };
      const pages: Record<VerifyFailure, [number, Problem]> = {
        malformed: [400, 'invalid'],
        unknown_key: [403, 'forged'],
        bad_signature: [403, 'forged'],
        retired_key: [410, 'retired'],
        expired: [410, 'expired'],
      };
      if (r.reason !== 'malformed' && r.reason !== 'expired')
        req.log.warn(
          { reason: r.reason, fingerprint: tokenFingerprint(token), ip: req.ip },
          'preferences link refused',
        );
      const [status, kind] = pages[r.reason];
      return { page: { status, ...problemPage(t.problems[kind], 'error') } };
    }

    function form(
      t: Words,
      lang: Locale,
      token: string,
      modes: Partial<Record<PreferenceKind, Mode>>,
      notice?: Html,
    ): Html {
      const group = (kind: PreferenceKind) => {
        const current = modes[kind] ?? 'immediate';
        const words = t.kinds[kind];
        return html`<fieldset id="kind-${kind}">
<legend>${words.label}</legend>
<p class="hint">${words.hint}${kind === 'action_required' ? html` <strong>${t.cannotOff}</strong>` : ''}</p>
${modesFor(kind).map(
  (m) =>
    html`<label><input type="radio" name="${kind}" value="${m}"${m === current ? html` checked` : ''}> ${t.modes[m]}</label>`,
)}
</fieldset>`;
      };
      return html`${notice ?? ''}<form method="post">
<input type="hidden" name="csrf" value="${guard!.issue(token, Date.now())}">
<input type="hidden" name="lang" value="${lang}">
${PREFERENCE_KINDS.map(group)}
<p class="hint">${t.digestNote}</p>
<button type="submit">${t.save}</button>
</form>
<p class="hint">${t.nothingYet}</p>`;
    }

    function preferencesPage(
      t: Words,
      lang: Locale,
      c: PreferenceClaims,
      token: string,
      modes: Partial<Record<PreferenceKind, Mode>>,
      status: number,
      notice?: Html,
    ): Page {
      return {
        status,
        recipient: c.recipient,
        title: t.title,
        body: html`<h1>${t.title}</h1><p class="lead">${say(t.lead, { recipient: c.recipient })}</p>${form(t, lang, token, modes, notice)}`,
      };
    }

    async function showPreferences(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const lang = localeOf(req);
      const v = check(req);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const modes = await stores.preferences.get(c.tenantId, c.userKey);
      return send(reply, lang, preferencesPage(WORDS[lang], lang, c, req.params.token, modes, 200));
    }

    /** Everything waiting for the person (src/web/waiting.ts): one page of their digest's entries, one read each. */
    async function showWaiting(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const lang = localeOf(req);
      const v = check(req);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const asked = Number(req.query?.page ?? 1);
      const page = Number.isSafeInteger(asked) && asked >= 1 && asked <= 10_000 ? asked : 1;
      const [{ entries, total }, person] = await Promise.all([
        stores.digests.page(c.tenantId, c.recipient, DAILY, WAITING_PAGE_SIZE, (page - 1) * WAITING_PAGE_SIZE),
        stores.directory.resolve(c.tenantId, c.recipient).then((r) => r[0]),
      ]);
      const view = waitingPage({
        lang,
        tenantId: c.tenantId,
        recipient: c.recipient,
        timeZone: person?.timeZone,
        entries,
        total,
        page,
        path: `/preferences/${encodeURIComponent(req.params.token)}/waiting`,
        publicBaseUrl: config.PUBLIC_BASE_URL,
        keyring: keyring!,
        now: Date.now(),
      });
      return send(reply, lang, { status: 200, recipient: c.recipient, ...view });
    }

    async function savePreferences(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const lang = localeOf(req);
      const t = WORDS[lang];
      const token = req.params.token;
      if (!isSameOrigin(req.headers, publicOrigin)) {
        req.log.warn(
          { ip: req.ip, fingerprint: tokenFingerprint(token) },
          'preferences POST refused: not from our page',
        );
        return send(reply, lang, { status: 403, ...problemPage(t.problems.crossSite, 'error') });
      }
      const v = check(req);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
      const formCheck = guard!.check(body.csrf, token, Date.now());
      if (formCheck !== 'ok')
        return send(reply, lang, {
          status: 403,
          recipient: c.recipient,
          ...problemPage(formCheck === 'expired' ? t.problems.formExpired : t.problems.crossSite, 'error'),
        });
      const chosen: Partial<Record<PreferenceKind, Mode>> = {};
      let bad = false;
      for (const kind of PREFERENCE_KINDS) {
        const m = body[kind];
        if (m === undefined) continue;
        if (isMode(m) && modesFor(kind).includes(m)) chosen[kind] = m;
        else bad = true;
      }
      if (bad) {
        const modes = await stores.preferences.get(c.tenantId, c.userKey);
        return send(
          reply,
          lang,
          preferencesPage(t, lang, c, token, modes, 400, html`<p class="notice error">${t.invalidChoice}</p>`),
        );
      }
      await stores.preferences.set(c.tenantId, c.userKey, chosen);
      log.info({ tenantId: c.tenantId, userKey: c.userKey, modes: chosen }, 'email preferences saved');
      const modes = await stores.preferences.get(c.tenantId, c.userKey);
      return send(
        reply,
        lang,
        preferencesPage(t, lang, c, token, modes, 200, html`<p class="notice ok">${t.saved}</p>`),
      );
    }

    function kindOf(req: Req): FyiKind | undefined {
      const k = req.query?.kind;
      return isFyiKind(k) ? k : undefined;
    }

    const allLink = (t: Words, token: string, lang: Locale) =>
      html`<p><a href="${`${config.PUBLIC_BASE_URL}/preferences/${token}?lang=${lang}`}">${t.allPreferences}</a></p>`;

    /** GET and HEAD of the unsubscribe URL: a confirmation page; nothing changes. */
    async function showUnsubscribe(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const lang = localeOf(req);
      const t = WORDS[lang];
      const v = check(req);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const kind = kindOf(req);
      if (!kind)
        return send(reply, lang, {
          status: 400,
          recipient: c.recipient,
          ...problemPage(t.problems.badKind, 'error'),
          body: html`${problemPage(t.problems.badKind, 'error').body}${allLink(t, req.params.token, lang)}`,
        });
      const label = t.kinds[kind].label;
      const title = fill(t.unsubscribeTitle, { kind: label });
      return send(reply, lang, {
        status: 200,
        recipient: c.recipient,
        title,
        body: html`<h1>${title}</h1><p class="lead">${say(t.unsubscribeLead, { recipient: c.recipient, kind: label })}</p>
<form method="post">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<input type="hidden" name="lang" value="${lang}">
<button type="submit" class="reject">${t.unsubscribeButton}</button>
</form>
${allLink(t, req.params.token, lang)}`,
      });
    }

    /** The RFC 8058 one-click POST (and the confirmation page's button): turns the kind off. */
    async function unsubscribe(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const lang = localeOf(req);
      const t = WORDS[lang];
      const v = check(req);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const kind = kindOf(req);
      if (!kind)
        return send(reply, lang, { status: 400, recipient: c.recipient, ...problemPage(t.problems.badKind, 'error') });
      if (!isOneClick(req.body))
        return send(reply, lang, {
          status: 400,
          recipient: c.recipient,
          ...problemPage({ title: t.problems.invalid.title, text: t.oneClickMissing }, 'error'),
        });
      await stores.preferences.set(c.tenantId, c.userKey, { [kind]: 'off' });
      log.info({ tenantId: c.tenantId, userKey: c.userKey, kind }, 'unsubscribed (one-click)');
      const label = t.kinds[kind].label;
      return send(reply, lang, {
        status: 200,
        recipient: c.recipient,
        title: t.unsubscribedTitle,
        body: html`<h1>${t.unsubscribedTitle}</h1><p class="notice ok">${say(t.unsubscribedText, { recipient: c.recipient, kind: label })}</p>${allLink(t, req.params.token, lang)}`,
      });
    }
  };
}
