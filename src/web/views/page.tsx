/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * The shell of the pages people reach from an email (action links, preferences, the waiting list): the docnotify
 * card around the content, one stylesheet, no scripts. Pages work without JavaScript.
 */
import type { ComponentChildren } from 'preact';
import { renderDocument } from './render';

export interface PublicPageProps {
  lang: string;
  title: string;
  footer?: string;
  children: ComponentChildren;
}

export function PublicPage({ lang, title, footer, children }: PublicPageProps) {
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${title} · docnotify`}</title>
        <link rel="stylesheet" href="/assets/page.css" />
      </head>
      <body>
        <main>
          <div class="brand">docnotify</div>
          <div class="content">{children}</div>
        </main>
        {footer ? <footer>{footer}</footer> : null}
      </body>
    </html>
  );
}

/** A catalogue string with its `{name}` placeholders filled in bold (the values escaped like all text). */
export function Say({ text, values = {} }: { text: string; values?: Record<string, string> }) {
  const parts = text.split(/\{(\w+)\}/);
  return <>{parts.map((part, i) => (i % 2 === 0 ? part : <strong>{values[part] ?? ''}</strong>))}</>;
}

export const renderPublicPage = (props: PublicPageProps): string => renderDocument(<PublicPage {...props} />);

/** Content-Security-Policy of every public page: no scripts at all, our own stylesheet, forms only to us. */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers of every public page: never cached or indexed, never framed, no referrer (the URL holds a secret token). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': PAGE_CSP,
};
