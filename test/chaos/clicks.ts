/**
 * A person clicking an action link of an email, against the real web server over HTTP: GET the confirmation page,
 * POST its form. A request that fails because the server is down (connection refused or reset, a 5xx, a 429) is
 * tried again a second later from the GET, as a person would reload. After the decision the person submits the same
 * form once more (a double click, or the back button): that must be refused with a clear page.
 */
export interface PageSeen {
  status: number;
  heading?: string;
  html: boolean;
  /** No stack trace or raw error text on the page. */
  clean: boolean;
}

export interface ClickResult {
  documentId: string;
  /** The page that ended the click: the "done" page (200) or a refusal (4xx). */
  final?: PageSeen;
  /** Our POST was answered with the "done" page. */
  appliedHere: boolean;
  /** A POST whose answer was lost (server down mid-request): the decision may have been made then. */
  lostReplies: number;
  /** Requests tried again because the server did not answer (down, 5xx, 429). */
  retries: number;
  /** The second submission of the same form, after the decision. */
  again?: PageSeen;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pageOf(status: number, contentType: string | null, body: string): PageSeen {
  return {
    status,
    heading: /<h1>(.*?)<\/h1>/s.exec(body)?.[1]?.trim(),
    html: (contentType ?? '').startsWith('text/html'),
    clean: !/\bat \S+ \(|Error:|stack/i.test(body),
  };
}

/** A refusal a person understands: an HTML page with a 4xx status, a heading and no stack trace. */
export const isClearRefusal = (p: PageSeen | undefined): boolean =>
  !!p && p.status >= 400 && p.status < 500 && p.status !== 429 && p.html && !!p.heading && p.clean;

/** The "done" page of an applied decision. */
export const isDonePage = (p: PageSeen | undefined): boolean =>
  !!p && p.status === 200 && p.html && !!p.heading && p.clean;

const transient = (status: number) => status >= 500 || status === 429;

/**
 * One person's click on `url` (an approve link), from client address `ip` (sent as X-Forwarded-For: the web server
 * trusts its proxy here, so every person has their own rate-limit bucket, as behind a real balancer).
 */
export async function clickLink(
  documentId: string,
  url: string,
  ip: string,
  origin: string,
  timeoutMs: number,
): Promise<ClickResult> {
  const result: ClickResult = { documentId, appliedHere: false, lostReplies: 0, retries: 0 };
  const deadline = Date.now() + timeoutMs;
  const headers = { 'x-forwarded-for': ip, 'accept-language': 'en' };
  let form: URLSearchParams | undefined;
  const post = (body: URLSearchParams) =>
    fetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(20_000),
      headers: { ...headers, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  while (Date.now() < deadline) {
    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
    } catch {
      result.retries++;
      await sleep(1000);
      continue;
    }
    const body = await res.text().catch(() => '');
    if (transient(res.status)) {
      result.retries++;
      await sleep(1000);
      continue;
    }
    const page = pageOf(res.status, res.headers.get('content-type'), body);
    const fields = [...body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)];
    if (res.status !== 200 || !body.includes('<form method="post">') || fields.length === 0) {
      // No form: already decided (perhaps by our own POST whose answer was lost), or a refusal.
      result.final = page;
      break;
    }
    form = new URLSearchParams(fields.map((m): [string, string] => [m[1], m[2]]));
    let answer: Response;
    try {
      answer = await post(form);
    } catch {
      result.lostReplies++;
      result.retries++;
      await sleep(1000);
      continue;
    }
    const text = await answer.text().catch(() => '');
    if (transient(answer.status)) {
      result.retries++;
      await sleep(1000);
      continue;
    }
    result.final = pageOf(answer.status, answer.headers.get('content-type'), text);
    result.appliedHere = answer.status === 200;
    break;
  }
  if (!result.final) {
    result.error = `no answer from the web server within ${timeoutMs / 1000} s`;
    return result;
  }
  if (form) {
    // The same form once more: the decision is made, so this must be a clear refusal ("Already decided").
    for (let i = 0; i < 30 && !result.again; i++) {
      try {
        const again = await post(form);
        const text = await again.text();
        if (transient(again.status)) throw new Error(String(again.status));
        result.again = pageOf(again.status, again.headers.get('content-type'), text);
      } catch {
        result.retries++;
        await sleep(1000);
      }
    }
  }
  return result;
}
