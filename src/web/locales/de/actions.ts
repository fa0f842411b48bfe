/** The German words of the action pages (`/actions/…`, src/web/actions); the shape is `ActionWords`. */
import type { ActionWords } from '../../actions/words';

export default {
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
} satisfies ActionWords;
