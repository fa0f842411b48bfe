/**
 * Action pages: `GET|HEAD|POST /actions/{token}` (product.md, "Action links"; docs/action-links.md).
 *
 * - `GET`/`HEAD` verify the signed link and show a confirmation page. They change nothing: mail security
 *   scanners fetch (and sometimes render) every link before the person does.
 * - The person's click `POST`s the page's form, which runs the `resolveTask` or `snooze` Update; the
 *   workflow's validator has the last word on stale, reassigned, expired or already-decided tasks.
 * - The POST must come from our own page: a same-origin `Origin` (or `Sec-Fetch-Site: same-origin`, or a
 *   same-origin `Referer`), and a form token bound to the link (see {@link FormGuard}).
 * - Rate limited per link and per client address; pages are never cached, framed, indexed or scripted.
 * - Tokens are secrets: they never appear in log lines (the routes log at `warn` and above only, so
 *   fastify's request lines, which carry the URL, are not written).
 *
 * The route is `/actions/*` rather than `/actions/:token` because fastify's router limits a `:param` to
 * 100 characters (`maxParamLength`) and tokens are about 270.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../errors';
import { Failure, FAILURES, refusalPage, type RefusalType } from '../domain/failures';
import { statusLabel } from '../email/defaults';
import { actionLabel } from '../email/values';
import type { DocumentStatus } from '../domain/status';
import { snoozeMaxTotalMs } from '../config';
import { tokenFingerprint } from '../links/redact';
import { Keyring, type LinkClaims, type VerifyFailure } from '../links/token';
import type { DocumentView, SnoozeResult } from '../workflows/types';
import { fill, html, isSameOrigin, PAGE_HEADERS, renderPage, type Html } from './pages';
import { addressKey, TokenBuckets, type BucketOptions } from './rate-limit';
import type { WebDeps } from './deps';
import {
  calendarTimeZone,
  formatAmount,
  formatDate,
  formatDateTime,
  formatRelative,
  readerZone,
} from '../email/format';

/** Options of {@link actionRoutes}; the defaults suit production. */
export interface ActionRoutesOptions {
  /** Requests per link. @default 20 in a burst, then 1 every 3 s */
  perLink?: BucketOptions;
  /** Requests per client address (IPv6: per /64). @default 40 in a burst, then 1 per second */
  perAddress?: BucketOptions;
  /** How long a shown confirmation form can be submitted, ms. @default 1 hour */
  formTtlMs?: number;
}

/** Durations a person can snooze for, as offered on the page (values are `parseDuration` strings). */
export const SNOOZE_CHOICES = ['1h', '4h', '1d', '3d'] as const;
type SnoozeChoice = (typeof SNOOZE_CHOICES)[number];

/** Longest rejection reason accepted (the same bound as an event's `reason`). */
export const MAX_REASON_LENGTH = 2000;

const DEFAULT_PER_LINK: BucketOptions = { capacity: 20, refillPerSecond: 1 / 3 };
const DEFAULT_PER_ADDRESS: BucketOptions = { capacity: 40, refillPerSecond: 1 };

/** Registers the action pages with the default options (buildServer does). */
export async function registerActions(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await actionRoutes()(app, deps);
}

export { FormGuard, type FormCheck } from './form-guard';
import { FormGuard } from './form-guard';

// --- words ---------------------------------------------------------------------------------------

/** Page languages; `?lang=` or the form's `lang`, else `Accept-Language`, else English. */
export const PAGE_LOCALES = ['en', 'es', 'de'] as const;
type Locale = (typeof PAGE_LOCALES)[number];
type Decidable = 'approve' | 'reject' | 'validate';
type Problem =
  | 'invalid'
  | 'forged'
  | 'expired'
  | 'retired'
  | 'notFound'
  | 'reassigned'
  | 'stale'
  | 'wrongRecipient'
  | 'badRequest'
  | 'crossSite'
  | 'formExpired'
  | 'tooMany'
  | 'unavailable'
  | 'disabled'
  | 'nothingToSubmit'
  | 'snoozeUsed'
  | 'snoozeLimit'
  | 'snoozeDue';

interface Words {
  facts: {
    document: string;
    type: string;
    status: string;
    invoice: string;
    supplier: string;
    amount: string;
    due: string;
    assignee: string;
    recipient: string;
    reason: string;
  };
  confirm: Record<Decidable | 'snooze', { title: string; lead: string }>;
  openTitle: string;
  openLead: string;
  nothingYet: string;
  reasonLabel: string;
  reasonRequired: string;
  snoozeLabel: string;
  snoozeRequired: string;
  snoozeChoices: Record<SnoozeChoice, string>;
  done: Record<Decidable | 'snooze', { title: string; text: string }>;
  confirmationMail: string;
  nextReminder: string;
  /** A snooze shortened by the total cap or the due date ({asked}, {applied}, {max}). */
  snoozeLimited: Record<'cap' | 'due_date', string>;
  alreadyTitle: string;
  already: string;
  decided: Record<string, string>;
  openInSystem: string;
  openAgain: string;
  problems: Record<Problem, { title: string; text: string }>;
  footer: string;
}

const WORDS: Record<Locale, Words> = {
  en: {
    facts: {
      document: 'Document',
      type: 'Type',
      status: 'Status',
      invoice: 'Invoice number',
      supplier: 'Supplier',
      amount: 'Amount',
      due: 'Due date',
      assignee: 'Assigned to',
      recipient: 'Link sent to',
      reason: 'Reason',
    },
    confirm: {
      approve: { title: 'Approve this document?', lead: 'You are about to approve {document} as {recipient}.' },
      reject: {
        title: 'Reject this document?',
        lead: 'You are about to reject {document} as {recipient}. Please say why.',
      },
      validate: {
        title: 'Validate this document?',
        lead: 'You are about to mark {document} as validated, as {recipient}.',
      },
      snooze: { title: 'Postpone the reminders?', lead: 'Reminders about {document} pause for the time you choose.' },
    },
    openTitle: 'Document {document}',
    openLead: 'The current state of {document}.',
    nothingYet: 'Nothing changes until you press the button.',
    reasonLabel: 'Reason for rejecting (required)',
    reasonRequired: 'Please give a reason for rejecting.',
    snoozeLabel: 'Postpone the reminders by',
    snoozeRequired: 'Please choose one of the durations offered.',
    snoozeChoices: { '1h': '1 hour', '4h': '4 hours', '1d': '1 day', '3d': '3 days' },
    done: {
      approve: { title: 'Approved', text: '{document} was approved by {actor} on {at}.' },
      reject: { title: 'Rejected', text: '{document} was rejected by {actor} on {at}.' },
      validate: { title: 'Validated', text: '{document} was marked as validated by {actor} on {at}.' },
      snooze: { title: 'Reminders postponed', text: 'Reminders about {document} are postponed by {duration}.' },
    },
    confirmationMail: 'A confirmation email is on its way. You can close this page.',
    nextReminder: 'Next reminder: {at}.',
    snoozeLimited: {
      cap: 'You asked for {asked}, but reminders can be postponed by at most {max} in total while this task is open: they are postponed by {applied}.',
      due_date:
        'You asked for {asked}, but reminders are not postponed past the due date: they are postponed by {applied}.',
    },
    alreadyTitle: 'Already decided',
    already: 'Already {decision} by {actor} on {at}.',
    decided: { approve: 'approved', reject: 'rejected', validate: 'validated' },
    openInSystem: 'Open in the document system',
    openAgain: 'Open the link again',
    problems: {
      invalid: {
        title: 'This link is not valid',
        text: 'The link may have been cut off or changed. Copy the complete link from the email, or act in the document system.',
      },
      forged: {
        title: 'This link is not valid',
        text: 'The link was not issued by docnotify or has been changed. Use the link from the email, or act in the document system.',
      },
      expired: {
        title: 'This link has expired',
        text: 'Action links work for a limited time. Use the link in a more recent email, or act in the document system.',
      },
      retired: {
        title: 'This link is no longer valid',
        text: 'It was signed with a key that has since been withdrawn. Use the link in a more recent email, or act in the document system.',
      },
      notFound: { title: 'Document not found', text: 'docnotify no longer knows this document.' },
      reassigned: {
        title: 'This task was reassigned',
        text: 'The document was assigned to someone else after this email was sent, so this link no longer works.',
      },
      stale: {
        title: 'This task is no longer open',
        text: 'The document has moved on; there is nothing left to decide with this link.',
      },
      wrongRecipient: {
        title: 'This link is not for this task',
        text: 'The link was sent to {recipient}, who is not among the people asked to act on this task.',
      },
      badRequest: { title: 'That did not work', text: '{reason}' },
      crossSite: {
        title: 'Request refused',
        text: 'For your protection nothing was done: the request did not come from this page. Open the link from the email again and press the button there.',
      },
      formExpired: {
        title: 'This page has expired',
        text: 'The page was open for too long. Open the link again and press the button.',
      },
      tooMany: {
        title: 'Too many requests',
        text: 'This link was opened too often in a short time. Please wait a minute and try again.',
      },
      unavailable: {
        title: 'Temporarily unavailable',
        text: 'docnotify could not reach the document right now. Nothing was changed; please try again in a few minutes.',
      },
      disabled: {
        title: 'Action links are not enabled',
        text: 'This docnotify server does not accept action links. Act in the document system instead.',
      },
      nothingToSubmit: { title: 'Nothing to submit', text: 'This link only shows the document.' },
      snoozeUsed: {
        title: 'This link was already used',
        text: 'Each link postpones the reminders once, and this one already did. Use the link in a more recent email, or act in the document system.',
      },
      snoozeLimit: {
        title: 'Reminders cannot be postponed further',
        text: 'They were already postponed by the most allowed while this task is open ({max} in total). Please decide, or act in the document system.',
      },
      snoozeDue: {
        title: 'Reminders cannot be postponed',
        text: 'The document is due now or within a minute: reminders are not postponed past its due date.',
      },
    },
    footer: 'docnotify · this page was opened from a link sent to {recipient}',
  },
  es: {
    facts: {
      document: 'Documento',
      type: 'Tipo',
      status: 'Estado',
      invoice: 'Número de factura',
      supplier: 'Proveedor',
      amount: 'Importe',
      due: 'Vencimiento',
      assignee: 'Asignado a',
      recipient: 'Enlace enviado a',
      reason: 'Motivo',
    },
    confirm: {
      approve: { title: '¿Aprobar este documento?', lead: 'Va a aprobar {document} como {recipient}.' },
      reject: {
        title: '¿Rechazar este documento?',
        lead: 'Va a rechazar {document} como {recipient}. Indique el motivo.',
      },
      validate: { title: '¿Validar este documento?', lead: 'Va a marcar {document} como validado, como {recipient}.' },
      snooze: {
        title: '¿Posponer los recordatorios?',
        lead: 'Los recordatorios sobre {document} se pausan durante el tiempo que elija.',
      },
    },
    openTitle: 'Documento {document}',
    openLead: 'El estado actual de {document}.',
    nothingYet: 'No cambia nada hasta que pulse el botón.',
    reasonLabel: 'Motivo del rechazo (obligatorio)',
    reasonRequired: 'Indique el motivo del rechazo.',
    snoozeLabel: 'Posponer los recordatorios',
    snoozeRequired: 'Elija una de las duraciones ofrecidas.',
    snoozeChoices: { '1h': '1 hora', '4h': '4 horas', '1d': '1 día', '3d': '3 días' },
    done: {
      approve: { title: 'Aprobado', text: '{document} fue aprobado por {actor} el {at}.' },
      reject: { title: 'Rechazado', text: '{document} fue rechazado por {actor} el {at}.' },
      validate: { title: 'Validado', text: '{document} fue marcado como validado por {actor} el {at}.' },
      snooze: { title: 'Recordatorios pospuestos', text: 'Los recordatorios sobre {document} se posponen {duration}.' },
    },
    confirmationMail: 'Recibirá un correo de confirmación. Puede cerrar esta página.',
    nextReminder: 'Próximo recordatorio: {at}.',
    snoozeLimited: {
      cap: 'Pidió {asked}, pero mientras esta tarea esté abierta los recordatorios se pueden posponer como mucho {max} en total: se posponen {applied}.',
      due_date: 'Pidió {asked}, pero los recordatorios no se posponen más allá del vencimiento: se posponen {applied}.',
    },
    alreadyTitle: 'Ya decidido',
    already: 'Ya {decision} por {actor} el {at}.',
    decided: { approve: 'aprobado', reject: 'rechazado', validate: 'validado' },
    openInSystem: 'Abrir en el sistema de documentos',
    openAgain: 'Abrir el enlace de nuevo',
    problems: {
      invalid: {
        title: 'Este enlace no es válido',
        text: 'Puede que el enlace esté cortado o modificado. Copie el enlace completo del correo o actúe en el sistema de documentos.',
      },
      forged: {
        title: 'Este enlace no es válido',
        text: 'El enlace no lo emitió docnotify o ha sido modificado. Use el enlace del correo o actúe en el sistema de documentos.',
      },
      expired: {
        title: 'Este enlace ha caducado',
        text: 'Los enlaces de acción funcionan durante un tiempo limitado. Use el enlace de un correo más reciente o actúe en el sistema de documentos.',
      },
      retired: {
        title: 'Este enlace ya no es válido',
        text: 'Se firmó con una clave que ya se ha retirado. Use el enlace de un correo más reciente o actúe en el sistema de documentos.',
      },
      notFound: { title: 'Documento no encontrado', text: 'docnotify ya no conoce este documento.' },
      reassigned: {
        title: 'Esta tarea fue reasignada',
        text: 'El documento se asignó a otra persona después de enviar este correo, por lo que este enlace ya no funciona.',
      },
      stale: {
        title: 'Esta tarea ya no está abierta',
        text: 'El documento ha avanzado; ya no queda nada por decidir con este enlace.',
      },
      wrongRecipient: {
        title: 'Este enlace no es para esta tarea',
        text: 'El enlace se envió a {recipient}, que no está entre las personas a las que se pidió actuar en esta tarea.',
      },
      badRequest: { title: 'No se pudo hacer', text: '{reason}' },
      crossSite: {
        title: 'Solicitud rechazada',
        text: 'Por su seguridad no se hizo nada: la solicitud no procedía de esta página. Abra de nuevo el enlace del correo y pulse el botón allí.',
      },
      formExpired: {
        title: 'Esta página ha caducado',
        text: 'La página estuvo abierta demasiado tiempo. Abra el enlace de nuevo y pulse el botón.',
      },
      tooMany: {
        title: 'Demasiadas solicitudes',
        text: 'Este enlace se abrió demasiadas veces en poco tiempo. Espere un minuto y vuelva a intentarlo.',
      },
      unavailable: {
        title: 'No disponible temporalmente',
        text: 'docnotify no pudo acceder al documento ahora. No se cambió nada; inténtelo de nuevo en unos minutos.',
      },
      disabled: {
        title: 'Los enlaces de acción no están activados',
        text: 'Este servidor de docnotify no acepta enlaces de acción. Actúe en el sistema de documentos.',
      },
      nothingToSubmit: { title: 'Nada que enviar', text: 'Este enlace solo muestra el documento.' },
      snoozeUsed: {
        title: 'Este enlace ya se usó',
        text: 'Cada enlace pospone los recordatorios una sola vez, y este ya lo hizo. Use el enlace de un correo más reciente o actúe en el sistema de documentos.',
      },
      snoozeLimit: {
        title: 'Los recordatorios no se pueden posponer más',
        text: 'Ya se pospusieron lo máximo permitido mientras la tarea esté abierta ({max} en total). Decida, o actúe en el sistema de documentos.',
      },
      snoozeDue: {
        title: 'Los recordatorios no se pueden posponer',
        text: 'El documento vence ahora o en menos de un minuto: los recordatorios no se posponen más allá del vencimiento.',
      },
    },
    footer: 'docnotify · página abierta desde un enlace enviado a {recipient}',
  },
  de: {
    facts: {
      document: 'Dokument',
      type: 'Typ',
      status: 'Status',
      invoice: 'Rechnungsnummer',
      supplier: 'Lieferant',
      amount: 'Betrag',
      due: 'Fällig am',
      assignee: 'Zugewiesen an',
      recipient: 'Link gesendet an',
      reason: 'Grund',
    },
    confirm: {
      approve: {
        title: 'Dieses Dokument genehmigen?',
        lead: 'Sie sind dabei, {document} als {recipient} zu genehmigen.',
      },
      reject: {
        title: 'Dieses Dokument ablehnen?',
        lead: 'Sie sind dabei, {document} als {recipient} abzulehnen. Bitte geben Sie einen Grund an.',
      },
      validate: {
        title: 'Dieses Dokument validieren?',
        lead: 'Sie sind dabei, {document} als {recipient} als validiert zu markieren.',
      },
      snooze: {
        title: 'Erinnerungen zurückstellen?',
        lead: 'Erinnerungen zu {document} pausieren für die gewählte Zeit.',
      },
    },
    openTitle: 'Dokument {document}',
    openLead: 'Der aktuelle Stand von {document}.',
    nothingYet: 'Erst wenn Sie die Schaltfläche drücken, ändert sich etwas.',
    reasonLabel: 'Grund der Ablehnung (Pflichtfeld)',
    reasonRequired: 'Bitte geben Sie einen Grund für die Ablehnung an.',
    snoozeLabel: 'Erinnerungen zurückstellen um',
    snoozeRequired: 'Bitte wählen Sie eine der angebotenen Zeiten.',
    snoozeChoices: { '1h': '1 Stunde', '4h': '4 Stunden', '1d': '1 Tag', '3d': '3 Tage' },
    done: {
      approve: { title: 'Genehmigt', text: '{document} wurde von {actor} am {at} genehmigt.' },
      reject: { title: 'Abgelehnt', text: '{document} wurde von {actor} am {at} abgelehnt.' },
      validate: { title: 'Validiert', text: '{document} wurde von {actor} am {at} als validiert markiert.' },
      snooze: {
        title: 'Erinnerungen zurückgestellt',
        text: 'Erinnerungen zu {document} sind um {duration} zurückgestellt.',
      },
    },
    confirmationMail: 'Eine Bestätigung per E-Mail ist unterwegs. Sie können diese Seite schließen.',
    nextReminder: 'Nächste Erinnerung: {at}.',
    snoozeLimited: {
      cap: 'Sie wollten {asked}, aber solange diese Aufgabe offen ist, lassen sich Erinnerungen insgesamt höchstens um {max} zurückstellen: sie sind um {applied} zurückgestellt.',
      due_date:
        'Sie wollten {asked}, aber Erinnerungen werden nicht über das Fälligkeitsdatum hinaus zurückgestellt: sie sind um {applied} zurückgestellt.',
    },
    alreadyTitle: 'Bereits entschieden',
    already: 'Bereits {decision} von {actor} am {at}.',
    decided: { approve: 'genehmigt', reject: 'abgelehnt', validate: 'validiert' },
    openInSystem: 'Im Dokumentensystem öffnen',
    openAgain: 'Link erneut öffnen',
    problems: {
      invalid: {
        title: 'Dieser Link ist ungültig',
        text: 'Der Link wurde vielleicht abgeschnitten oder verändert. Kopieren Sie den vollständigen Link aus der E-Mail oder handeln Sie im Dokumentensystem.',
      },
      forged: {
        title: 'Dieser Link ist ungültig',
        text: 'Der Link stammt nicht von docnotify oder wurde verändert. Verwenden Sie den Link aus der E-Mail oder handeln Sie im Dokumentensystem.',
      },
      expired: {
        title: 'Dieser Link ist abgelaufen',
        text: 'Aktionslinks gelten nur begrenzte Zeit. Verwenden Sie den Link aus einer neueren E-Mail oder handeln Sie im Dokumentensystem.',
      },
      retired: {
        title: 'Dieser Link gilt nicht mehr',
        text: 'Er wurde mit einem inzwischen zurückgezogenen Schlüssel signiert. Verwenden Sie den Link aus einer neueren E-Mail oder handeln Sie im Dokumentensystem.',
      },
      notFound: { title: 'Dokument nicht gefunden', text: 'docnotify kennt dieses Dokument nicht mehr.' },
      reassigned: {
        title: 'Diese Aufgabe wurde neu zugewiesen',
        text: 'Das Dokument wurde nach dem Versand dieser E-Mail jemand anderem zugewiesen; dieser Link funktioniert daher nicht mehr.',
      },
      stale: {
        title: 'Diese Aufgabe ist nicht mehr offen',
        text: 'Das Dokument ist weitergegangen; mit diesem Link ist nichts mehr zu entscheiden.',
      },
      wrongRecipient: {
        title: 'Dieser Link gehört nicht zu dieser Aufgabe',
        text: 'Der Link wurde an {recipient} gesendet, der nicht zu den Personen gehört, die diese Aufgabe bearbeiten sollen.',
      },
      badRequest: { title: 'Das hat nicht geklappt', text: '{reason}' },
      crossSite: {
        title: 'Anfrage abgelehnt',
        text: 'Zu Ihrem Schutz wurde nichts ausgeführt: Die Anfrage kam nicht von dieser Seite. Öffnen Sie den Link aus der E-Mail erneut und drücken Sie dort die Schaltfläche.',
      },
      formExpired: {
        title: 'Diese Seite ist abgelaufen',
        text: 'Die Seite war zu lange geöffnet. Öffnen Sie den Link erneut und drücken Sie die Schaltfläche.',
      },
      tooMany: {
        title: 'Zu viele Anfragen',
        text: 'Dieser Link wurde in kurzer Zeit zu oft geöffnet. Bitte warten Sie eine Minute und versuchen Sie es erneut.',
      },
      unavailable: {
        title: 'Vorübergehend nicht verfügbar',
        text: 'docnotify konnte das Dokument gerade nicht erreichen. Es wurde nichts geändert; bitte versuchen Sie es in einigen Minuten erneut.',
      },
      disabled: {
        title: 'Aktionslinks sind nicht aktiviert',
        text: 'Dieser docnotify-Server nimmt keine Aktionslinks an. Bitte handeln Sie im Dokumentensystem.',
      },
      nothingToSubmit: { title: 'Nichts zu senden', text: 'Dieser Link zeigt nur das Dokument.' },
      snoozeUsed: {
        title: 'Dieser Link wurde schon verwendet',
        text: 'Jeder Link stellt die Erinnerungen einmal zurück, und dieser hat es schon getan. Verwenden Sie den Link aus einer neueren E-Mail oder handeln Sie im Dokumentensystem.',
      },
      snoozeLimit: {
        title: 'Erinnerungen lassen sich nicht weiter zurückstellen',
        text: 'Sie wurden schon so weit zurückgestellt, wie es bei offener Aufgabe erlaubt ist ({max} insgesamt). Bitte entscheiden Sie oder handeln Sie im Dokumentensystem.',
      },
      snoozeDue: {
        title: 'Erinnerungen lassen sich nicht zurückstellen',
        text: 'Das Dokument ist jetzt oder binnen einer Minute fällig: Erinnerungen werden nicht über das Fälligkeitsdatum hinaus zurückgestellt.',
      },
    },
    footer: 'docnotify · diese Seite wurde über einen Link an {recipient} geöffnet',
  },
};

/** `text` with `{name}` placeholders filled; values are escaped and emphasised. */
function say(text: string, values: Record<string, string> = {}): Html {
  const parts = text.split(/\{(\w+)\}/);
  return html`${parts.map((p, i) => (i % 2 === 0 ? p : html`<strong>${values[p] ?? ''}</strong>`))}`;
}

/** `text` with `{name}` placeholders filled, as plain text (titles, footers). */

/** A span of time in words ("2 days, 3 hours"), days to minutes, at most two units, in the page's language. */
function spellDuration(ms: number, lang: Locale): string {
  const units: [Intl.NumberFormatOptions['unit'], number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 60_000) * 60_000);
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 && parts.length < 2)
      parts.push(new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'long' }).format(n));
  }
  return parts.length > 0
    ? parts.join(', ')
    : new Intl.NumberFormat(lang, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(0);
}

const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (PAGE_LOCALES as readonly string[]).includes(v);

/** `?lang=` (or the form's `lang`) first, then the best `Accept-Language` entry we speak, else English. */
export function pickPageLocale(explicit: unknown, acceptLanguage: string | undefined): Locale {
  const wanted = typeof explicit === 'string' ? explicit.trim().toLowerCase().split(/[-_]/)[0] : undefined;
  if (isLocale(wanted)) return wanted;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((entry, i) => {
      const [tag, ...params] = entry.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked.find((e) => isLocale(e.lang))?.lang as Locale | undefined) ?? 'en';
}

// --- routes --------------------------------------------------------------------------------------

type Req = FastifyRequest<{ Params: { '*': string }; Querystring: Record<string, unknown>; Body: unknown }>;

interface Page {
  status: number;
  title: string;
  body: Html;
  recipient?: string;
  headers?: Record<string, string>;
}

type TaskState =
  { kind: 'open' } | { kind: 'decided'; decision: Decision } | { kind: 'reassigned' } | { kind: 'stale' };

interface Decision {
  action: string;
  actor: string;
  /** ISO string (documentState) or epoch ms (an AlreadyDecided refusal's details). */
  at: string | number;
  reason?: string;
}

const formSchema = z.object({
  csrf: z.string().max(200).optional(),
  lang: z.string().max(20).optional(),
  reason: z.string().optional(),
  duration: z.string().max(10).optional(),
});

/** A short, non-reversible fingerprint of a token for log correlation (the token itself is never logged). */

/** The action pages as a `buildServer` plugin, with options (tests use it to tune limits). */
export function actionRoutes(
  options: ActionRoutesOptions = {},
): (app: FastifyInstance, deps: WebDeps) => Promise<void> {
  return async (app, deps) => {
    const { config, client, stores, log } = deps;
    const secret = config.ACTION_LINK_SECRET;
    const keyring = secret ? Keyring.fromString(secret) : undefined;
    const guard = secret ? new FormGuard(secret, options.formTtlMs) : undefined;
    const perLink = new TokenBuckets(options.perLink ?? DEFAULT_PER_LINK);
    const perAddress = new TokenBuckets(options.perAddress ?? DEFAULT_PER_ADDRESS);
    const publicOrigin = new URL(config.PUBLIC_BASE_URL).origin;

    await app.register(async (scope) => {
      scope.addHook('onSend', async (_req, reply, payload) => {
        reply.headers(PAGE_HEADERS);
        return payload;
      });

      scope.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
        const t = WORDS[localeOf(req as Req)];
        if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
          return send(reply, localeOf(req as Req), {
            status: err.statusCode,
            ...problem(t, 'badRequest', { reason: err.message ?? '' }),
          });
        }
        req.log.error({ err }, 'action page failed');
        return send(reply, localeOf(req as Req), { status: 503, ...problem(t, 'unavailable') });
      });

      const routeOptions = { logLevel: 'warn' as const, bodyLimit: 16_384 };
      scope.get('/actions/*', { ...routeOptions, exposeHeadRoute: true }, async (req: Req, reply) => show(req, reply));
      scope.post('/actions/*', routeOptions, async (req: Req, reply) => act(req, reply));
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

    /** A problem page: title as heading, text as a notice. */
    function problem(
      t: Words,
      kind: Problem,
      values: Record<string, string> = {},
      extra?: Html,
    ): { title: string; body: Html } {
      const p = t.problems[kind];
      const tone = kind === 'unavailable' || kind === 'tooMany' || kind === 'formExpired' ? 'warn' : 'error';
      return {
        title: p.title,
        body: html`<h1>${p.title}</h1><p class="notice ${tone}">${say(p.text, values)}</p>${extra}`,
      };
    }

    /** Rate limits (address first, then the link); a refusal is a 429 page with Retry-After. */
    function limited(req: Req, token: string): Page | undefined {
      for (const [buckets, key] of [
        [perAddress, `a:${addressKey(req.ip)}`],
        [perLink, `l:${tokenFingerprint(token)}`],
      ] as const) {
        const r = buckets.take(key);
        if (!r.ok) {
          return {
            status: 429,
            headers: { 'retry-after': String(r.retryAfterSeconds) },
            ...problem(WORDS[localeOf(req)], 'tooMany'),
          };
        }
      }
      return undefined;
    }

    /** Verifies the link; a failure becomes its page (suspicious ones are logged, without the token). */
    function verify(req: Req, token: string): { claims: LinkClaims } | { page: Page } {
      const t = WORDS[localeOf(req)];
      if (!keyring) return { page: { status: 404, ...problem(t, 'disabled') } };
      const r = keyring.verify(token, Date.now());
      if (r.ok) return { claims: r.claims };
      const pages: Record<VerifyFailure, [number, Problem]> = {
        malformed: [400, 'invalid'],
        unknown_key: [403, 'forged'],
        bad_signature: [403, 'forged'],
        retired_key: [410, 'retired'],
        expired: [410, 'expired'],
      };
      if (r.reason === 'bad_signature' || r.reason === 'unknown_key' || r.reason === 'retired_key') {
        req.log.warn(
          {
            reason: r.reason,
            kid: token.split('.')[1]?.slice(0, 16),
            fingerprint: tokenFingerprint(token),
            ip: req.ip,
          },
          'action link refused',
        );
      }
      const [status, kind] = pages[r.reason];
      return { page: { status, ...problem(t, kind) } };
    }

    async function state(c: LinkClaims): Promise<DocumentView | undefined> {
      try {
        return await client.getState(c.documentId, c.tenantId);
      } catch (e) {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      }
    }

    /** Who decided the link's task, also after the document moved on to another status. */
    function decisionOf(view: DocumentView | undefined, taskId: string): Decision | undefined {
      if (!view) return undefined;
      if (view.task?.id === taskId && view.task.decision) return view.task.decision;
      return (view.decisions ?? []).find((d) => d.taskId === taskId);
    }

    /** Mirrors the Update validator's order, for pages that change nothing. */
    function taskState(view: DocumentView, c: LinkClaims): TaskState {
      const task = view.task;
      const decided = decisionOf(view, c.taskId);
      if (decided) return { kind: 'decided', decision: decided };
      if (!task || task.id !== c.taskId) return { kind: 'stale' };
      if (task.version !== c.taskVersion) return { kind: 'reassigned' };
      if (!view.awaitingAction || view.finished) return { kind: 'stale' };
      return { kind: 'open' };
    }

    /**
     * The recipient's time zone from the directory (times on pages are shown in it), else the tenant calendar's, else
     * UTC: the zone the recipient's emails are formatted in.
     */
    async function zoneOf(c: LinkClaims): Promise<string> {
      try {
        const own = (await stores.directory.resolve(c.tenantId, c.recipient))[0]?.timeZone;
        return readerZone(own ?? calendarTimeZone((await stores.tenants.get(c.tenantId)).calendar));
      } catch {
        return 'UTC';
      }
    }

    /** A date and time as the emails print it (`formatDateTime`), in the recipient's time zone. */
    function when(at: string | number, lang: Locale, zone: string): string {
      return formatDateTime(at, { locale: lang, timeZone: zone }) ?? String(at);
    }

    /** The deadline as the emails print `{{due_date}} ({{due_in}})`: `10.12.2026 (in 3 Tagen)`. */
    function due(at: string, lang: Locale, zone: string): string | undefined {
      const reader = { locale: lang, timeZone: zone };
      const date = formatDate(at, reader);
      const inWords = formatRelative(at, Date.now(), reader);
      return date && inWords ? `${date} (${inWords})` : date;
    }

    function facts(t: Words, lang: Locale, view: DocumentView | undefined, c: LinkClaims, zone: string): Html {
      const f = view?.fields ?? {};
      const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : undefined);
      const rows: [string, string | undefined][] = [
        [t.facts.document, c.documentId],
        [t.facts.type, view?.documentType],
        [t.facts.status, view?.status ? statusLabel(view.status as DocumentStatus, lang) : undefined],
        [t.facts.invoice, str(f.invoice_id)],
        [t.facts.supplier, str(f.supplier_name)],
        [t.facts.amount, formatAmount(f.total_amount, f.currency, { locale: lang })],
        [t.facts.due, view?.dueAt ? due(view.dueAt, lang, zone) : formatDate(str(f.due_date), { locale: lang })],
        [t.facts.assignee, view?.assignee],
        [t.facts.recipient, c.recipient],
      ];
      return html`<dl>${rows.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
    }

    function alreadyDecided(t: Words, lang: Locale, d: Decision, zone: string): Html {
      const text = say(t.already, {
        decision: t.decided[d.action] ?? d.action,
        actor: d.actor,
        at: when(d.at, lang, zone),
      });
      return html`<p class="notice">${text}</p>${d.reason ? html`<p>${t.facts.reason}: ${d.reason}</p>` : ''}`;
    }

    /** The confirmation form: hidden form token and language, the action's input, one button. */
    function form(
      t: Words,
      lang: Locale,
      token: string,
      action: Decidable | 'snooze',
      input: { reason?: string; duration?: string; error?: string } = {},
    ): Html {
      const fields =
        action === 'reject'
          ? html`<label for="reason">${t.reasonLabel}</label>${input.error ? html`<p class="field-error">${input.error}</p>` : ''}
<textarea id="reason" name="reason" required maxlength="${MAX_REASON_LENGTH}">${input.reason ?? ''}</textarea>`
          : action === 'snooze'
            ? html`<label for="duration">${t.snoozeLabel}</label>${input.error ? html`<p class="field-error">${input.error}</p>` : ''}
<select id="duration" name="duration" required>${SNOOZE_CHOICES.map((c) => html`<option value="${c}"${(input.duration ?? '1d') === c ? html` selected` : ''}>${t.snoozeChoices[c]}</option>`)}</select>`
            : '';
      return html`<form method="post">
<input type="hidden" name="csrf" value="${guard!.issue(token, Date.now())}">
<input type="hidden" name="lang" value="${lang}">
${fields}
<button type="submit" class="${action}">${actionLabel(action, lang)}</button>
</form>
<p class="hint">${t.nothingYet}</p>`;
    }

    /** What a granted snooze did: by how much, and why less than asked when the cap or the due date shortened it. */
    function snoozeDone(
      t: Words,
      lang: Locale,
      documentId: string,
      asked: SnoozeChoice,
      r: SnoozeResult | undefined,
    ): Html {
      const limited = r?.limitedBy;
      const applied = limited ? spellDuration(r.snoozedMs, lang) : t.snoozeChoices[asked];
      const text = html`<p class="notice ok">${say(t.done.snooze.text, { document: documentId, duration: applied })}</p>`;
      if (!limited) return text;
      return html`${text}<p class="notice">${say(t.snoozeLimited[limited], { asked: t.snoozeChoices[asked], applied, max: spellDuration(r.maxTotalMs ?? snoozeMaxTotalMs(config), lang) })}</p>`;
    }

    function documentLink(t: Words, view: DocumentView | undefined): Html | '' {
      const url = view?.fields.document_url;
      return typeof url === 'string' && /^https?:\/\//i.test(url)
        ? html`<p><a href="${url}" rel="noopener noreferrer">${t.openInSystem}</a></p>`
        : '';
    }

    /** GET and HEAD: shows, never changes. */
    async function show(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const token = req.params['*'];
      const lang = localeOf(req);
      const t = WORDS[lang];
      const limit = limited(req, token);
      if (limit) return send(reply, lang, limit);
      const v = verify(req, token);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const [view, zone] = await Promise.all([state(c), zoneOf(c)]);
      if (!view) return send(reply, lang, { status: 404, recipient: c.recipient, ...problem(t, 'notFound') });
      const summary = facts(t, lang, view, c, zone);
      const task = taskState(view, c);

      if (c.action === 'open') {
        const title = fill(t.openTitle, { document: c.documentId });
        const d = decisionOf(view, c.taskId);
        const decided = d ? alreadyDecided(t, lang, d, zone) : '';
        return send(reply, lang, {
          status: 200,
          recipient: c.recipient,
          title,
          body: html`<h1>${title}</h1><p class="lead">${say(t.openLead, { document: c.documentId })}</p>${decided}${summary}${documentLink(t, view)}`,
        });
      }
      if (task.kind === 'decided') {
        return send(reply, lang, {
          status: 200,
          recipient: c.recipient,
          title: t.alreadyTitle,
          body: html`<h1>${t.alreadyTitle}</h1>${alreadyDecided(t, lang, task.decision, zone)}${summary}${documentLink(t, view)}`,
        });
      }
      if (task.kind !== 'open') {
        return send(reply, lang, {
          status: 409,
          recipient: c.recipient,
          ...problem(t, task.kind, {}, html`${summary}${documentLink(t, view)}`),
        });
      }
      const action = c.action as Decidable | 'snooze';
      const words = t.confirm[action];
      return send(reply, lang, {
        status: 200,
        recipient: c.recipient,
        title: words.title,
        body: html`<h1>${words.title}</h1><p class="lead">${say(words.lead, { document: c.documentId, recipient: c.recipient })}</p>${summary}${form(t, lang, token, action)}`,
      });
    }

    /** POST: the person's click. Runs the Update and shows what happened. */
    async function act(req: Req, reply: FastifyReply): Promise<FastifyReply> {
      const token = req.params['*'];
      const lang = localeOf(req);
      const t = WORDS[lang];
      const limit = limited(req, token);
      if (limit) return send(reply, lang, limit);
      if (!isSameOrigin(req.headers, publicOrigin)) {
        req.log.warn(
          {
            origin: req.headers.origin,
            secFetchSite: req.headers['sec-fetch-site'],
            ip: req.ip,
            fingerprint: tokenFingerprint(token),
          },
          'action POST refused: not from our page',
        );
        return send(reply, lang, { status: 403, ...problem(t, 'crossSite') });
      }
      const v = verify(req, token);
      if ('page' in v) return send(reply, lang, v.page);
      const c = v.claims;
      const again = html`<p><a href="">${t.openAgain}</a></p>`;
      if (c.action === 'open')
        return send(reply, lang, {
          status: 405,
          headers: { allow: 'GET, HEAD' },
          recipient: c.recipient,
          ...problem(t, 'nothingToSubmit'),
        });

      const parsed = formSchema.safeParse(req.body && typeof req.body === 'object' ? req.body : {});
      const body = parsed.success ? parsed.data : {};
      const check = guard!.check(body.csrf, token, Date.now());
      if (check !== 'ok') {
        req.log.warn({ check, ip: req.ip, fingerprint: tokenFingerprint(token) }, 'action POST refused: form token');
        return send(reply, lang, {
          status: 403,
          recipient: c.recipient,
          ...problem(t, check === 'expired' ? 'formExpired' : 'crossSite', {}, again),
        });
      }

      const action = c.action as Decidable | 'snooze';
      const reason = body.reason?.trim() ?? '';
      const duration = SNOOZE_CHOICES.find((d) => d === body.duration);
      const inputError =
        action === 'reject' && (reason === '' || reason.length > MAX_REASON_LENGTH)
          ? t.reasonRequired
          : action === 'snooze' && !duration
            ? t.snoozeRequired
            : undefined;
      if (inputError) {
        const [view, zone] = await Promise.all([state(c), zoneOf(c)]);
        const words = t.confirm[action];
        return send(reply, lang, {
          status: 400,
          recipient: c.recipient,
          title: words.title,
          body: html`<h1>${words.title}</h1><p class="lead">${say(words.lead, { document: c.documentId, recipient: c.recipient })}</p>${facts(t, lang, view, c, zone)}${form(t, lang, token, action, { reason: body.reason, error: inputError })}`,
        });
      }

      let outcome:
        | { ok: true; at?: string; nextNotificationAt?: string; snooze?: SnoozeResult }
        | { ok: false; reason: string; type?: RefusalType; details?: unknown };
      if (action === 'snooze') {
        // The snooze Update has no task version; refuse a reassigned link here (resolveTask's validator does it there).
        const view = await state(c);
        const task = view ? taskState(view, c) : ({ kind: 'stale' } as const);
        if (task.kind === 'reassigned') outcome = { ok: false, reason: 'reassigned', type: Failure.Reassigned };
        else {
          // The link's id (its token's fingerprint): each link snoozes once. The cap is this deployment's SNOOZE_MAX_TOTAL.
          const r = await client.snooze(
            c.documentId,
            {
              taskId: c.taskId,
              taskVersion: c.taskVersion,
              duration: duration!,
              actor: c.recipient,
              expiresAt: c.expiresAt,
              linkId: tokenFingerprint(token),
              maxTotalMs: snoozeMaxTotalMs(config),
            },
            c.tenantId,
          );
          outcome = r.ok ? { ok: true, nextNotificationAt: r.result.nextNotificationAt, snooze: r.result } : r;
        }
      } else {
        const r = await client.resolveTask(
          c.documentId,
          {
            taskId: c.taskId,
            taskVersion: c.taskVersion,
            action,
            actor: c.recipient,
            reason: action === 'reject' ? reason : undefined,
            expiresAt: c.expiresAt,
            via: 'link',
          },
          c.tenantId,
        );
        outcome = r.ok ? { ok: true, at: r.result.at } : r;
      }

      const [view, zone] = await Promise.all([state(c).catch(() => undefined), zoneOf(c)]);
      const summary = html`${facts(t, lang, view, c, zone)}${documentLink(t, view)}`;
      if (outcome.ok) {
        log.info(
          { tenantId: c.tenantId, documentId: c.documentId, taskId: c.taskId, action, actor: c.recipient, via: 'link' },
          'action link used',
        );
        const done = t.done[action];
        const text =
          action === 'snooze'
            ? html`${snoozeDone(t, lang, c.documentId, duration!, outcome.snooze)}${outcome.nextNotificationAt ? html`<p>${say(t.nextReminder, { at: when(outcome.nextNotificationAt, lang, zone) })}</p>` : ''}`
            : html`<p class="notice ok">${say(done.text, { document: c.documentId, actor: c.recipient, at: when(outcome.at ?? Date.now(), lang, zone) })}</p>${action === 'reject' ? html`<p>${t.facts.reason}: ${reason}</p>` : ''}<p>${t.confirmationMail}</p>`;
        return send(reply, lang, {
          status: 200,
          recipient: c.recipient,
          title: done.title,
          body: html`<h1>${done.title}</h1>${text}${summary}`,
        });
      }

      // The refusal's status and page: FAILURES (src/domain/failures.ts); the words are this file's.
      const refusal = refusalPage(outcome.type);
      const decision =
        refusal.page === 'alreadyDecided'
          ? ((outcome.details as Decision | undefined) ?? decisionOf(view, c.taskId))
          : refusal.decidedFirst
            ? decisionOf(view, c.taskId) // decided, then the pipeline moved the document on
            : undefined;
      if (refusal.page === 'alreadyDecided' || decision) {
        const body = decision ? alreadyDecided(t, lang, decision, zone) : html`<p class="notice">${outcome.reason}</p>`;
        return send(reply, lang, {
          status: FAILURES.AlreadyDecided.http,
          recipient: c.recipient,
          title: t.alreadyTitle,
          body: html`<h1>${t.alreadyTitle}</h1>${body}${summary}`,
        });
      }
      const page = refusal.page;
      const values: Record<string, string> =
        page === 'wrongRecipient'
          ? { recipient: c.recipient }
          : page === 'snoozeLimit'
            ? { max: spellDuration(snoozeMaxTotalMs(config), lang) }
            : page === 'badRequest'
              ? { reason: outcome.reason }
              : {};
      const extra = page === 'expired' || page === 'wrongRecipient' ? undefined : summary;
      return send(reply, lang, { status: refusal.http, recipient: c.recipient, ...problem(t, page, values, extra) });
    }
  };
}
