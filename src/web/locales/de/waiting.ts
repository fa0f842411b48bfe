/** The German words of the waiting page (`/preferences/{token}/waiting`); the shape is `WaitingWords`. */
import type { WaitingWords } from '../../preferences/words';

export default {
  title: 'Wartet auf Sie',
  lead: '{count} Dokumente warten auf Sie, die am längsten überfälligen zuerst.',
  leadOne: 'Ein Dokument wartet auf Sie.',
  none: 'Nichts wartet auf Sie.',
  due: 'Fällig',
  page: 'Seite {page} von {pages}',
  next: 'Nächste Seite',
  back: 'E-Mail-Einstellungen',
} satisfies WaitingWords;
