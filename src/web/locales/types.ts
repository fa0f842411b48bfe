/** What a page locale's catalogue holds: the words of the action pages, the preference pages and the waiting page. */
import type { ActionWords } from '../actions/words';
import type { PreferenceWords, WaitingWords } from '../preferences/words';

export interface Catalogue {
  actions: ActionWords;
  preferences: PreferenceWords;
  waiting: WaitingWords;
}
