/** The German words of the preferences pages (`/preferences/…`); the shape is `PreferenceWords`. */
import type { PreferenceWords } from '../../preferences/words';

export default {
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
} satisfies PreferenceWords;
