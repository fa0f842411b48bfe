import { eventually, stackEnv } from './env';

export interface MailSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  To: { Address: string; Name: string }[];
  Created: string;
}

export interface MailMessage extends MailSummary {
  Text: string;
  HTML: string;
}

const base = () => stackEnv().mailpitUrl;

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${base()}${path}`);
  if (!res.ok) throw new Error(`mailpit ${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** Every message to this address (newest first). */
export async function messagesTo(address: string): Promise<MailSummary[]> {
  const r = await get<{ messages: MailSummary[] }>(
    `/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}&limit=500`,
  );
  return r.messages.filter((m) => m.To.some((t) => t.Address.toLowerCase() === address.toLowerCase()));
}

export async function message(id: string): Promise<MailMessage> {
  return get<MailMessage>(`/api/v1/message/${id}`);
}

export async function headers(id: string): Promise<Record<string, string[]>> {
  return get<Record<string, string[]>>(`/api/v1/message/${id}/headers`);
}

/** Waits until `count` messages reached the address, then returns them oldest first. */
export async function waitForMail(address: string, count = 1, timeoutMs = 60_000): Promise<MailSummary[]> {
  const list = await eventually(
    async () => {
      const m = await messagesTo(address);
      return m.length >= count ? m : undefined;
    },
    `${count} email(s) to ${address}`,
    timeoutMs,
  );
  return [...list].sort((a, b) => a.Created.localeCompare(b.Created));
}
