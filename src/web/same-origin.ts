import type { IncomingHttpHeaders } from 'node:http';

/**
 * Is a form POST from our own page? A same-origin `Origin`; or, when the browser sends `Origin: null` (it does for a
 * form on a page with `Referrer-Policy: no-referrer`) or none, `Sec-Fetch-Site: same-origin`; or, from browsers that
 * send neither, a same-origin `Referer`. "Same origin" is PUBLIC_BASE_URL's origin or the request's own Host.
 */
export function isSameOrigin(headers: IncomingHttpHeaders, publicOrigin: string): boolean {
  const ours = (value: string): boolean => {
    try {
      const u = new URL(value);
      return u.origin === publicOrigin || (!!headers.host && u.host === headers.host);
    } catch {
      return false;
    }
  };
  const origin = headers.origin;
  if (origin && origin !== 'null') return ours(origin);
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string') return site === 'same-origin';
  const referer = headers.referer;
  return !!referer && ours(referer);
}
