/**
 * One catalogue per page locale (`./<locale>/`): the words of the action pages, the preference pages and the
 * waiting page. A new locale is a new folder with the same three modules, typed by the pages' word interfaces
 * (./types.ts).
 */
import type { Locale } from './index';
import type { Catalogue } from './types';
import de from './de';
import en from './en';
import es from './es';

const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, es, de };

/** The catalogue of `lang`. */
export const catalogueFor = (lang: Locale): Catalogue => CATALOGUES[lang];
