/**
 * The shape of the preference pages' and the waiting page's catalogues (one module per locale:
 * `src/web/locales/<lang>/preferences.ts` and `.../waiting.ts`), and how a page picks its words.
 */
import type { Mode, PreferenceKind } from '../../domain/preferences';

/** Why a preferences request is refused: each has a problem page. */
export type Problem =
  'invalid' | 'forged' | 'expired' | 'retired' | 'disabled' | 'badKind' | 'crossSite' | 'formExpired';

/** A problem page's heading and notice. */
export interface ProblemWords {
  title: string;
  text: string;
}

/** The words of the preferences pages (the form, the unsubscribe pages, their problems). */
export interface PreferenceWords {
  title: string;
  /** `{recipient}` */
  lead: string;
  kinds: Record<PreferenceKind, { label: string; hint: string }>;
  modes: Record<Mode, string>;
  cannotOff: string;
  digestNote: string;
  save: string;
  saved: string;
  invalidChoice: string;
  /** `{kind}` */
  unsubscribeTitle: string;
  /** `{recipient}`, `{kind}` */
  unsubscribeLead: string;
  unsubscribeButton: string;
  unsubscribedTitle: string;
  /** `{recipient}`, `{kind}` */
  unsubscribedText: string;
  oneClickMissing: string;
  allPreferences: string;
  nothingYet: string;
  tooMany: ProblemWords;
  unavailable: ProblemWords;
  problems: Record<Problem, ProblemWords>;
  /** `{recipient}` */
  footer: string;
}

/** The words of the waiting page (`/preferences/{token}/waiting`). */
export interface WaitingWords {
  title: string;
  /** `{count}` */
  lead: string;
  leadOne: string;
  none: string;
  due: string;
  /** `{page}`, `{pages}` */
  page: string;
  next: string;
  back: string;
}
