/** The preference pages' and the waiting page's catalogues of each page locale. */
import type { Locale } from '../locales';
import dePreferences from '../locales/de/preferences';
import deWaiting from '../locales/de/waiting';
import enPreferences from '../locales/en/preferences';
import enWaiting from '../locales/en/waiting';
import esPreferences from '../locales/es/preferences';
import esWaiting from '../locales/es/waiting';
import type { PreferenceWords, WaitingWords } from './words';

const PREFERENCES: Readonly<Record<Locale, PreferenceWords>> = {
  en: enPreferences,
  es: esPreferences,
  de: dePreferences,
};
const WAITING: Readonly<Record<Locale, WaitingWords>> = { en: enWaiting, es: esWaiting, de: deWaiting };

/** The words of the preferences pages in `lang`. */
export const preferenceWordsFor = (lang: Locale): PreferenceWords => PREFERENCES[lang];

/** The words of the waiting page in `lang`. */
export const waitingWordsFor = (lang: Locale): WaitingWords => WAITING[lang];
