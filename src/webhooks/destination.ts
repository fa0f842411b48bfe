/**
 * Where a tenant's decision webhook may point (issue 12, SSRF): an https URL (http only when the deployment allows
 * it) whose host resolves to public unicast addresses only — no loopback, link-local (cloud metadata), private,
 * CGNAT, unique-local, 0/8, multicast, nor IPv4-mapped forms of them. Hosts the operator lists in
 * WEBHOOK_ALLOWED_HOSTS are the only ones allowed when the list is set, and are trusted to be internal.
 *
 * Checked when the URL is saved and again at every delivery, where the connection goes to the very address that
 * was checked (the check runs inside the socket's DNS lookup), so a name that resolves elsewhere the second time
 * (DNS rebinding) gains nothing.
 */
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { ValidationError } from '../domain/events';

export interface WebhookPolicy {
  /** Allow plain http:// (WEBHOOK_ALLOW_HTTP). */
  allowHttp: boolean;
  /** Exact host names or `*.example.com` patterns (WEBHOOK_ALLOWED_HOSTS); empty = any public host. */
  allowedHosts: string[];
}

/** A destination refused by the policy: never retried. */
export class WebhookDestinationError extends Error {
  override name = 'WebhookDestinationError';
}

/** A public unicast address (mapped IPv4-in-IPv6 judged as the IPv4 address it carries). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  return ip.range() === 'unicast';
}

const listed = (host: string, policy: WebhookPolicy): boolean =>
  policy.allowedHosts.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern.toLowerCase(),
  );

/** The URL, if the policy allows it by its form alone (scheme, credentials, host list); throws otherwise. */
function checkForm(raw: string, policy: WebhookPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookDestinationError(
      'webhookUrl: must be an absolute URL, e.g. https://pipeline.example.com/hooks/docnotify',
    );
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    throw new WebhookDestinationError(
      `webhookUrl: must use https${url.protocol === 'http:' ? ' (plain http needs WEBHOOK_ALLOW_HTTP=true)' : ''}`,
    );
  }
  if (url.username || url.password)
    throw new WebhookDestinationError('webhookUrl: must not carry a user name or password');
  const host = hostOf(url);
  if (policy.allowedHosts.length > 0 && !listed(host, policy))
    throw new WebhookDestinationError(`webhookUrl: host ${host} is not in WEBHOOK_ALLOWED_HOSTS`);
  return url;
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/** Resolves `host` and returns its first address, if every address it has is allowed; throws otherwise. */
async function resolveAllowed(host: string, policy: WebhookPolicy): Promise<{ address: string; family: number }> {
  const addresses = isIP(host)
    ? [{ address: host, family: isIP(host) }]
    : await dns.lookup(host, { all: true, verbatim: true }).catch((e: Error) => {
        throw new WebhookDestinationError(`webhookUrl: ${host} does not resolve (${e.message})`);
      });
  if (addresses.length === 0) throw new WebhookDestinationError(`webhookUrl: ${host} does not resolve`);
  if (!listed(host, policy)) {
    const inner = addresses.find((a) => !isPublicAddress(a.address));
    if (inner)
      throw new WebhookDestinationError(
        `webhookUrl: ${host} resolves to ${inner.address}, which is not a public address`,
      );
  }
  return addresses[0];
}

/** The save-time check: throws WebhookDestinationError naming the problem. */
export async function checkWebhookUrl(raw: string, policy: WebhookPolicy): Promise<void> {
  const url = checkForm(raw, policy);
  await resolveAllowed(hostOf(url), policy);
}

/** POSTs `body` to a checked destination, connecting to the address the check approved. @returns the status code. */
export async function postWebhook(
  raw: string,
  body: string,
  headers: Record<string, string>,
  policy: WebhookPolicy,
  timeoutMs = 15_000,
): Promise<number> {
  const url = checkForm(raw, policy);
  const host = hostOf(url);
  if (isIP(host)) await resolveAllowed(host, policy); // an address literal needs no lookup, so it is checked here
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveAllowed(hostname, policy).then(
      ({ address, family }) => (options.all ? callback(null, [{ address, family }]) : callback(null, address, family)),
      (e: Error) => callback(e as NodeJS.ErrnoException, '', 0),
    );
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume(); // redirects are not followed: a 3xx is an answer like any other non-2xx
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** For the edges that save tenant settings: a refused webhook URL as a ValidationError naming `webhookUrl`. */
export async function assertWebhookAllowed(url: string | undefined, policy: WebhookPolicy): Promise<void> {
  if (!url) return;
  try {
    await checkWebhookUrl(url, policy);
  } catch (e) {
    if (e instanceof WebhookDestinationError)
      throw new ValidationError(`invalid tenant settings: ${e.message}`, [
        { path: 'webhookUrl', message: e.message.replace(/^webhookUrl: /, '') },
      ]);
    throw e;
  }
}
