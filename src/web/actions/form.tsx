/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The confirmation page: what the link is about to do, the document's facts, and one form with one button. The form
 * carries the hidden form token and the page's language; a rejection asks why, a snooze asks how long.
 */
import type { LinkClaims } from '../../links/token';
import type { DocumentView } from '../../workflows/types';
import { actionLabel } from '../../email/values';
import type { Locale } from '../locales';
import { Say } from '../views/page';
import { Facts, type FactsProps } from './facts';
import { MAX_REASON_LENGTH, SNOOZE_CHOICES, type ActionWords, type FormAction } from './words';

/** What the person typed or chose, and what was wrong with it (a refused POST shows the form again). */
export interface FormInput {
  reason?: string;
  duration?: string;
  error?: string;
}

interface ConfirmFormProps {
  words: ActionWords;
  lang: Locale;
  action: FormAction;
  /** The hidden form token, issued for this link. */
  csrf: string;
  input?: FormInput;
}

const FieldError = ({ error }: { error?: string }) => (error ? <p class="field-error">{error}</p> : null);

/** The input the action needs: a reason to reject, a duration to snooze (one day unless chosen), else none. */
function ActionInput({ words, action, input = {} }: Pick<ConfirmFormProps, 'words' | 'action' | 'input'>) {
  if (action === 'reject') {
    return (
      <>
        <label for="reason">{words.reasonLabel}</label>
        <FieldError error={input.error} />
        <textarea id="reason" name="reason" required={true} maxLength={MAX_REASON_LENGTH}>
          {input.reason ?? ''}
        </textarea>
      </>
    );
  }
  if (action !== 'snooze') return null;
  const chosen = input.duration ?? '1d';
  return (
    <>
      <label for="duration">{words.snoozeLabel}</label>
      <FieldError error={input.error} />
      <select id="duration" name="duration" required={true}>
        {SNOOZE_CHOICES.map((choice) => (
          <option key={choice} value={choice} selected={chosen === choice}>
            {words.snoozeChoices[choice]}
          </option>
        ))}
      </select>
    </>
  );
}

/** The form: hidden form token and language, the action's input, one button; nothing changes before it is pressed. */
export function ConfirmForm({ words, lang, action, csrf, input }: ConfirmFormProps) {
  return (
    <>
      <form method="post">
        <input type="hidden" name="csrf" value={csrf} />
        <input type="hidden" name="lang" value={lang} />
        <ActionInput words={words} action={action} input={input} />
        <button type="submit" class={action}>
          {actionLabel(action, lang)}
        </button>
      </form>
      <p class="hint">{words.nothingYet}</p>
    </>
  );
}

/** The whole confirmation: the question, who acts on which document, the facts and the form. */
export function Confirmation(
  props: ConfirmFormProps & FactsProps & { view: DocumentView | undefined; claims: LinkClaims },
) {
  const { words, action, claims } = props;
  const confirm = words.confirm[action];
  return (
    <>
      <h1>{confirm.title}</h1>
      <p class="lead">
        <Say text={confirm.lead} values={{ document: claims.documentId, recipient: claims.recipient }} />
      </p>
      <Facts words={words} lang={props.lang} zone={props.zone} view={props.view} claims={claims} />
      <ConfirmForm words={words} lang={props.lang} action={action} csrf={props.csrf} input={props.input} />
    </>
  );
}
