/** @jsxRuntime automatic @jsxImportSource preact */
/** The unsubscribe pages: the confirmation a GET shows, what the one-click POST answers, the way to all preferences. */
import type { PreferenceClaims } from '../../links/token';
import type { Locale } from '../locales';
import { fill } from '../locales';
import { Say } from '../views/page';
import { problemPage } from './problem';
import type { Page } from './respond';
import type { PreferenceWords } from './words';

/** Where the link to all preferences goes: the preferences page of the same link, in the same language. */
export interface AllPreferencesProps {
  words: PreferenceWords;
  publicBaseUrl: string;
  token: string;
  lang: Locale;
}

/** The link to the whole preferences page. */
export function AllPreferencesLink({ words, publicBaseUrl, token, lang }: AllPreferencesProps) {
  return (
    <p>
      <a href={`${publicBaseUrl}/preferences/${token}?lang=${lang}`}>{words.allPreferences}</a>
    </p>
  );
}

/** What both unsubscribe pages show: the link's person, the kind's label, the link to all preferences. */
export interface UnsubscribeProps extends AllPreferencesProps {
  claims: PreferenceClaims;
  label: string;
}

/** The confirmation page (GET and HEAD): its button posts the one-click body; nothing changes before that. */
export function confirmationPage(props: UnsubscribeProps): Page {
  const { words, claims, label, lang } = props;
  const title = fill(words.unsubscribeTitle, { kind: label });
  return {
    status: 200,
    recipient: claims.recipient,
    title,
    body: (
      <>
        <h1>{title}</h1>
        <p class="lead">
          <Say text={words.unsubscribeLead} values={{ recipient: claims.recipient, kind: label }} />
        </p>
        <form method="post">
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <input type="hidden" name="lang" value={lang} />
          <button type="submit" class="reject">
            {words.unsubscribeButton}
          </button>
        </form>
        <AllPreferencesLink {...props} />
      </>
    ),
  };
}

/** The answer to the one-click POST: the kind is off. */
export function unsubscribedPage(props: UnsubscribeProps): Page {
  const { words, claims, label } = props;
  return {
    status: 200,
    recipient: claims.recipient,
    title: words.unsubscribedTitle,
    body: (
      <>
        <h1>{words.unsubscribedTitle}</h1>
        <p class="notice ok">
          <Say text={words.unsubscribedText} values={{ recipient: claims.recipient, kind: label }} />
        </p>
        <AllPreferencesLink {...props} />
      </>
    ),
  };
}

/** The confirmation URL with a kind one cannot unsubscribe from: the problem, and the way to all preferences. */
export function unknownKindPage(props: AllPreferencesProps & { claims: PreferenceClaims }): Page {
  return {
    status: 400,
    recipient: props.claims.recipient,
    ...problemPage(props.words.problems.badKind, 'error', <AllPreferencesLink {...props} />),
  };
}
