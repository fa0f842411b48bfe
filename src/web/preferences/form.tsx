/** @jsxRuntime automatic @jsxImportSource preact */
/** The preference form: each kind of email with the modes it offers, the person's current one checked. */
import { modesFor, PREFERENCE_KINDS, type Mode, type PreferenceKind } from '../../domain/preferences';
import type { PreferenceClaims } from '../../links/token';
import type { Locale } from '../locales';
import { Say } from '../views/page';
import type { Page } from './respond';
import type { PreferenceWords } from './words';

/** The person's modes by kind; a kind not chosen is `immediate`. */
export type ChosenModes = Partial<Record<PreferenceKind, Mode>>;

/** One kind's fieldset: its label, its hint, a radio button per mode. */
function KindChoice({ kind, current, words }: { kind: PreferenceKind; current: Mode; words: PreferenceWords }) {
  const { label, hint } = words.kinds[kind];
  return (
    <fieldset id={`kind-${kind}`}>
      <legend>{label}</legend>
      <p class="hint">
        {hint}
        {kind === 'action_required' ? (
          <>
            {' '}
            <strong>{words.cannotOff}</strong>
          </>
        ) : null}
      </p>
      {modesFor(kind).map((mode) => (
        <label>
          <input type="radio" name={kind} value={mode} checked={mode === current} /> {words.modes[mode]}
        </label>
      ))}
    </fieldset>
  );
}

/** What the form needs: the page's words and language, the form token bound to the link, the current modes. */
export interface PreferenceFormProps {
  words: PreferenceWords;
  lang: Locale;
  formToken: string;
  modes: ChosenModes;
}

/** The form itself, posted back to the page's own URL, and the reminder that nothing changes until it is saved. */
export function PreferenceForm({ words, lang, formToken, modes }: PreferenceFormProps) {
  return (
    <>
      <form method="post">
        <input type="hidden" name="csrf" value={formToken} />
        <input type="hidden" name="lang" value={lang} />
        {PREFERENCE_KINDS.map((kind) => (
          <KindChoice kind={kind} current={modes[kind] ?? 'immediate'} words={words} />
        ))}
        <p class="hint">{words.digestNote}</p>
        <button type="submit">{words.save}</button>
      </form>
      <p class="hint">{words.nothingYet}</p>
    </>
  );
}

/** A line above the form: saved (`ok`) or a choice to correct (`error`). */
export interface FormNotice {
  tone: 'ok' | 'error';
  text: string;
}

/** The preferences page of the link's person with `status`; `notice` (saved, or what to correct) tops the form. */
export function preferencesPage(
  props: PreferenceFormProps & { claims: PreferenceClaims; status: number; notice?: FormNotice },
): Page {
  const { words, claims, status, notice } = props;
  return {
    status,
    recipient: claims.recipient,
    title: words.title,
    body: (
      <>
        <h1>{words.title}</h1>
        <p class="lead">
          <Say text={words.lead} values={{ recipient: claims.recipient }} />
        </p>
        {notice ? <p class={`notice ${notice.tone}`}>{notice.text}</p> : null}
        <PreferenceForm words={words} lang={props.lang} formToken={props.formToken} modes={props.modes} />
      </>
    ),
  };
}
