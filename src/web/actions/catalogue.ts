/** The action pages' catalogue of each page locale. */
import type { Locale } from '../locales';
import de from '../locales/de/actions';
import en from '../locales/en/actions';
import es from '../locales/es/actions';
import type { ActionWords } from './words';

const CATALOGUES: Readonly<Record<Locale, ActionWords>> = { en, es, de };

/** The words of the action pages in `lang`. */
export const wordsFor = (lang: Locale): ActionWords => CATALOGUES[lang];
