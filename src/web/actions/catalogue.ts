/** The action pages' words, from the locale's catalogue (src/web/locales). */
import type { Locale } from '../locales';
import { catalogueFor } from '../locales/catalogue';
import type { ActionWords } from './words';

/** The words of the action pages in `lang`. */
export const wordsFor = (lang: Locale): ActionWords => catalogueFor(lang).actions;
