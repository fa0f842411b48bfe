/** @jsxRuntime automatic @jsxImportSource preact */
/** The problem pages: the problem's title as the heading, its text as a notice, and what else helps (the facts). */
import type { ComponentChildren } from 'preact';
import { Say } from '../views/page';
import type { ActionWords, Problem } from './words';

/** Problems the person can get past by waiting or reloading: a warning, not an error. */
const PASSING: ReadonlySet<Problem> = new Set(['unavailable', 'tooMany', 'formExpired']);

/** A problem page's title and content; `values` fill the text's placeholders, `extra` follows the notice. */
export function problemPage(
  words: ActionWords,
  kind: Problem,
  values: Record<string, string> = {},
  extra?: ComponentChildren,
): { title: string; body: ComponentChildren } {
  const problem = words.problems[kind];
  const tone = PASSING.has(kind) ? 'warn' : 'error';
  return {
    title: problem.title,
    body: (
      <>
        <h1>{problem.title}</h1>
        <p class={`notice ${tone}`}>
          <Say text={problem.text} values={values} />
        </p>
        {extra}
      </>
    ),
  };
}
