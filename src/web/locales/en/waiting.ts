/** The English words of the waiting page (`/preferences/{token}/waiting`); the shape is `WaitingWords`. */
import type { WaitingWords } from '../../preferences/words';

export default {
  title: 'Waiting for you',
  lead: '{count} documents wait for you, the most overdue first.',
  leadOne: 'One document waits for you.',
  none: 'Nothing waits for you.',
  due: 'Due',
  page: 'Page {page} of {pages}',
  next: 'Next page',
  back: 'Email preferences',
} satisfies WaitingWords;
