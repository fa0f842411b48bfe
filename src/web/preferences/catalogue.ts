/** The preference pages' and the waiting page's words, from the locale's catalogue (src/web/locales). */
import type { Locale } from '../locales';
import { catalogueFor } from '../locales/catalogue';
import type { PreferenceWords, WaitingWords } from './words';

/** The words of the preferences pages in `lang`. */
export const preferenceWordsFor = (lang: Locale): PreferenceWords => catalogueFor(lang).preferences;

/** The words of the waiting page in `lang`. */
export const waitingWordsFor = (lang: Locale): WaitingWords => catalogueFor(lang).waiting;
