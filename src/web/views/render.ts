/**
 * Every HTML page of docnotify is a JSX view (preact) rendered to a string here. preact escapes every interpolated
 * value, in element content and in attributes, so a view cannot emit unescaped text by accident; the only way to
 * insert markup is `dangerouslySetInnerHTML`, which no view uses for data.
 */
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** A whole document: the doctype and the rendered view. */
export const renderDocument = (view: VNode): string => `<!DOCTYPE html>\n${renderToString(view)}`;
