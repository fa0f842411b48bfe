import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Config } from '../config';
import { SmtpClass } from '../domain/failures';
import { traceSmtp } from '../tracing';

/** Network-level error codes that mean "try again later" (nodemailer's `err.code`, Node's socket codes). */
const TEMPORARY_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'EAUTH',
  'ETLS',
  'EPROTOCOL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ESTREAM',
]);

/** The class of an SMTP error (its meaning: `SMTP_CLASSES` in src/domain/failures.ts). */
export type SmtpOutcome = SmtpClass;

/**
 * Classifies a nodemailer error: 4xx replies and connection problems are temporary (retried with backoff),
 * 5xx replies and malformed messages or addresses are permanent (never retried).
 */
export function classifySmtpError(err: unknown): SmtpOutcome {
  const e = err as { code?: string; responseCode?: number };
  // Connection-level failures (auth rejected with 535, TLS, a 554 greeting, ...) say nothing about the
  // recipient or the message, even when they carry a 5xx reply: retry them within SMTP_RETRY_FOR.
  if (e.code && TEMPORARY_CODES.has(e.code)) return SmtpClass.temporary;
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? SmtpClass.permanent : SmtpClass.temporary;
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return SmtpClass.permanent;
  return SmtpClass.temporary;
}

/** One line for the log: "550 5.1.1 <x@y>: user unknown (EENVELOPE)". */
export function describeSmtpError(err: unknown): string {
  const e = err as { code?: string; response?: string; message?: string };
  return `${e.response ?? e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`.slice(0, 1000);
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** The domain of the From address, for Message-IDs. */
export function mailDomain(mailFrom: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(mailFrom);
  return m ? m[1] : 'docnotify.local';
}

/** Deterministic Message-ID of one ledger entry: a retry or replay produces the same id. */
export const messageIdFor = (ledgerKey: string, domain: string): string =>
  `<n.${hash(ledgerKey).slice(0, 32)}@${domain}>`;

/** The stable root of a document's thread: every email about it refers to this id. */
export const threadRootFor = (tenantId: string, documentId: string, domain: string): string =>
  `<doc.${hash(`${tenantId}/${documentId}`).slice(0, 32)}@${domain}>`;

/**
 * Outlook's conversation header: 22 bytes (a 6-byte date part and a 16-byte GUID), the same for every email of a
 * document, so Outlook groups them like the References chain does for other clients.
 */
export function threadIndexFor(tenantId: string, documentId: string): string {
  const h = createHash('sha256').update(`thread/${tenantId}/${documentId}`).digest();
  return Buffer.concat([Buffer.from([0x01]), h.subarray(0, 21)]).toString('base64');
}

export interface OutgoingEmail {
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  threadRoot: string;
  /** Outlook: Thread-Index and Thread-Topic. */
  thread: { index: string; topic: string };
  priority: 'low' | 'medium' | 'high';
  /** The Date header; @default the moment of sending */
  date?: Date;
  /**
   * FYI email only (docs/preferences.md): `List-Id`, and with an unsubscribe URL the RFC 8058 pair `List-Unsubscribe`
   * + `List-Unsubscribe-Post: List-Unsubscribe=One-Click`. Action-required email has none of them.
   */
  list?: { id: string; unsubscribeUrl?: string };
}

/**
 * Header fields the DKIM signature covers (nodemailer's `headerFieldNames`), set explicitly: RFC 8058 §3 wants
 * `List-Unsubscribe` and `List-Unsubscribe-Post` signed, and a nodemailer whose defaults lack either must not drop them.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'In-Reply-To',
  'References',
  'Auto-Submitted',
  'List-Id',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
].join(':');

/** The list headers of an FYI email (none for action-required email). */
export function listHeaders(list: OutgoingEmail['list']): Record<string, string> {
  if (!list) return {};
  return {
    'List-Id': `<${list.id}>`,
    ...(list.unsubscribeUrl
      ? { 'List-Unsubscribe': `<${list.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
      : {}),
  };
}

/** A message built ahead of its sending (the MIME work done), to go out later with `sendPrepared`. */
export interface PreparedEmail {
  to: string;
  messageId: string;
  raw: Buffer;
}

export interface SentInfo {
  response: string;
  messageId: string;
}

/** A pooled SMTP transport, one per worker process. */
export class Mailer {
  private readonly transporter: Transporter;
  /** The relay's host and port (span attributes of each SMTP transaction). */
  private readonly server: { host: string; port: number };
  private readonly builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

  constructor(
    private readonly config: Pick<
      Config,
      | 'SMTP_URL'
      | 'MAIL_FROM'
      | 'SMTP_POOL_SIZE'
      | 'SMTP_RATE_PER_SECOND'
      | 'DKIM_DOMAIN'
      | 'DKIM_SELECTOR'
      | 'DKIM_PRIVATE_KEY'
    > & { SMTP_URL: string },
  ) {
    const url = new URL(config.SMTP_URL);
    this.server = { host: url.hostname, port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587) };
    const dkimKey =
      config.DKIM_PRIVATE_KEY && existsSync(config.DKIM_PRIVATE_KEY)
        ? readFileSync(config.DKIM_PRIVATE_KEY, 'utf8')
        : config.DKIM_PRIVATE_KEY;
    this.transporter = nodemailer.createTransport({
      pool: true,
      host: this.server.host,
      port: this.server.port,
      secure: url.protocol === 'smtps:',
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      tls: { rejectUnauthorized: url.searchParams.get('tls') !== 'insecure' },
      maxConnections: config.SMTP_POOL_SIZE,
      maxMessages: 100,
      ...(config.SMTP_RATE_PER_SECOND > 0 ? { rateDelta: 1000, rateLimit: config.SMTP_RATE_PER_SECOND } : {}),
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
      ...(config.DKIM_DOMAIN && config.DKIM_SELECTOR && dkimKey
        ? {
            dkim: {
              domainName: config.DKIM_DOMAIN,
              keySelector: config.DKIM_SELECTOR,
              privateKey: dkimKey,
              headerFieldNames: DKIM_SIGNED_HEADERS,
            },
          }
        : {}),
    });
  }

  get domain(): string {
    return mailDomain(this.config.MAIL_FROM);
  }

  /** Sends one email. Throws nodemailer's error (classify it with classifySmtpError). */
  async send(email: OutgoingEmail): Promise<SentInfo> {
    const info = await traceSmtp(this.server, email.messageId, () => this.transporter.sendMail(this.options(email)));
    return { response: String(info.response ?? ''), messageId: email.messageId };
  }

  /** Builds the message now, so that sending it at its instant is only the SMTP transaction. */
  async prepare(email: OutgoingEmail): Promise<PreparedEmail> {
    // nodemailer's own stream transport builds the message exactly as the SMTP one would (headers, priority, MIME).
    const built = await this.builder.sendMail(this.options(email));
    return { to: email.to, messageId: email.messageId, raw: built.message as Buffer };
  }

  /** Sends a prepared message (DKIM, when configured, signs it here as any other). */
  async sendPrepared(email: PreparedEmail): Promise<SentInfo> {
    const info = await traceSmtp(this.server, email.messageId, () =>
      this.transporter.sendMail({ from: this.config.MAIL_FROM, to: email.to, raw: email.raw }),
    );
    return { response: String(info.response ?? ''), messageId: email.messageId };
  }

  private options(email: OutgoingEmail): SendMailOptions {
    return {
      from: this.config.MAIL_FROM,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId: email.messageId,
      date: email.date,
      inReplyTo: email.threadRoot,
      references: [email.threadRoot],
      priority: email.priority === 'medium' ? 'normal' : email.priority,
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'OOF, AutoReply',
        'Thread-Index': email.thread.index,
        'Thread-Topic': email.thread.topic,
        ...listHeaders(email.list),
      },
    };
  }

  /** Connects and greets the SMTP server (and authenticates when configured), for health checks. */
  async verify(): Promise<void> {
    await this.transporter.verify();
  }

  close(): void {
    this.transporter.close();
  }
}
