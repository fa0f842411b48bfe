/** @jsxRuntime automatic @jsxImportSource preact */
/** The problem pages of the preferences routes: the problem's title as the heading, its text as a notice. */
import type { ComponentChildren } from 'preact';
import type { ProblemWords } from './words';

/** `warn` for what passes by waiting (too many requests, unavailable), `error` for the rest. */
export type ProblemTone = 'warn' | 'error';

/** A problem page's title and content; `extra` follows the notice (a way on, such as the preferences link). */
export function problemPage(
  problem: ProblemWords,
  tone: ProblemTone,
  extra?: ComponentChildren,
): { title: string; body: ComponentChildren } {
  return {
    title: problem.title,
    body: (
      <>
        <h1>{problem.title}</h1>
        <p class={`notice ${tone}`}>{problem.text}</p>
        {extra}
      </>
    ),
  };
}
