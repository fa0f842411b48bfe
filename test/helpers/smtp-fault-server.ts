import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/**
 * What the server does with one SMTP transaction for a recipient. Each transaction (one RCPT TO for the
 * address) consumes the next step of the address's script; when the script is used up, `otherwise` applies.
 */
export type FaultStep =
  /** 250 to RCPT and to the end of DATA. */
  | { kind: 'accept' }
  /** Reject with this reply: at RCPT TO (greylisting, unknown user) or after the message data arrived. */
  | { kind: 'reply'; at: 'rcpt' | 'data'; code: number; message: string }
  /**
   * The message arrives in full and the server takes it (it is recorded as delivered), but the connection is
   * destroyed before the 250 reaches the client: the lost reply of RFC 1047.
   */
  | { kind: 'dropAfterData' }
  /** Accept, but only send the 250 after `ms` (a slow server). */
  | { kind: 'delay'; ms: number };

export const accept: FaultStep = { kind: 'accept' };
export const reply = (code: number, message: string, at: 'rcpt' | 'data' = 'rcpt'): FaultStep => ({
  kind: 'reply',
  at,
  code,
  message,
});
export const dropAfterData: FaultStep = { kind: 'dropAfterData' };
export const delay = (ms: number): FaultStep => ({ kind: 'delay', ms });

/** One message whose data reached the server. */
export interface ReceivedMessage {
  /** `accepted`: 250 sent; `dropped`: taken, reply lost; `rejected`: refused after DATA (not delivered). */
  outcome: 'accepted' | 'dropped' | 'rejected';
  messageId: string;
  to: string[];
  subject: string;
  inReplyTo?: string;
  references: string[];
  at: number;
  /** The HTML body (its action links), when the message had one. */
  html?: string;
}

/** One RCPT TO the server saw (every delivery attempt), with the step it applied. */
export interface Attempt {
  address: string;
  step: FaultStep['kind'];
  code?: number;
  at: number;
}

interface Script {
  steps: FaultStep[];
  otherwise: FaultStep;
}

const addressesOf = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => (v.address ?? '').toLowerCase()));

const smtpError = (code: number, message: string): Error & { responseCode: number } =>
  Object.assign(new Error(message), { responseCode: code });

/**
 * A real SMTP server (smtp-server, nodemailer's companion) on 127.0.0.1 whose replies the test scripts per
 * recipient address. It records every attempt and every message whose data arrived (parsed with mailparser).
 */
export class SmtpFaultServer {
  readonly attempts: Attempt[] = [];
  readonly messages: ReceivedMessage[] = [];
  /** AUTH attempts (only with a password). */
  readonly logins: { username: string; ok: boolean }[] = [];
  /**
   * While set, every transaction gets this step, whatever its address's script (which is left as it is): a
   * server-wide outage, e.g. `reply(421, '4.3.2 Service not available')`. Undefined ends it.
   */
  outage: FaultStep | undefined;
  private readonly scripts = new Map<string, Script>();
  /** The step chosen at RCPT TO, per session transaction, applied at the end of DATA. */
  private readonly pending = new Map<string, FaultStep>();

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  /** `password`: offer AUTH and refuse every login with another password (535 5.7.8). */
  static async start(opts: { password?: string } = {}): Promise<SmtpFaultServer> {
    const ref: { self?: SmtpFaultServer } = {}; // the handlers run only after start() returned
    const server = new SMTPServer({
      authOptional: opts.password === undefined,
      allowInsecureAuth: true,
      disabledCommands: opts.password === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
      logger: false,
      onAuth: (auth, _session, callback) => {
        ref.self!.logins.push({ username: auth.username ?? '', ok: auth.password === opts.password });
        if (auth.password === opts.password) return callback(null, { user: auth.username });
        callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo: (address, session, callback) => ref.self!.onRcptTo(address.address, session, callback),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () =>
          ref.self!.onData(Buffer.concat(chunks), session, callback).catch((e: Error) => callback(e)),
        );
      },
    });
    server.on('error', () => undefined); // a client that goes away mid-session is part of the game
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    ref.self = new SmtpFaultServer(server, (server.server.address() as AddressInfo).port);
    return ref.self;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Sets what happens to the next transactions for `address` (case-insensitive). */
  script(address: string, steps: FaultStep[], otherwise: FaultStep = accept): void {
    this.scripts.set(address.toLowerCase(), { steps: [...steps], otherwise });
  }

  /** RCPT TO commands seen for the address: one per delivery attempt. */
  attemptsFor(address: string): Attempt[] {
    return this.attempts.filter((a) => a.address === address.toLowerCase());
  }

  /** Messages the server took for the address (accepted, or taken with the reply lost): what the recipient gets. */
  deliveredTo(address: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.outcome !== 'rejected' && m.to.includes(address.toLowerCase()));
  }

  /** Messages the server took with this Message-ID (with angle brackets, as in the header). */
  deliveredWithId(messageId: string): ReceivedMessage[] {
    return this.messages.filter((m) => m.outcome !== 'rejected' && m.messageId === messageId);
  }

  async close(): Promise<void> {
    for (const c of this.server.connections) c._socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private key(session: SMTPServerSession): string {
    return `${session.id}:${session.transaction}`;
  }

  private onRcptTo(address: string, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const a = address.toLowerCase();
    const script = this.scripts.get(a);
    const step = this.outage ?? (script ? (script.steps.shift() ?? script.otherwise) : accept);
    this.attempts.push({
      address: a,
      step: step.kind,
      code: step.kind === 'reply' ? step.code : undefined,
      at: Date.now(),
    });
    if (step.kind === 'reply' && step.at === 'rcpt') return callback(smtpError(step.code, step.message));
    // the most disruptive step of the transaction wins (one recipient per email in docnotify)
    const key = this.key(session);
    if (!this.pending.has(key) || step.kind !== 'accept') this.pending.set(key, step);
    callback();
  }

  private async onData(
    raw: Buffer,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    const key = this.key(session);
    const step = this.pending.get(key) ?? accept;
    this.pending.delete(key);
    const parsed = await simpleParser(raw);
    const refs =
      parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
    const record = (outcome: ReceivedMessage['outcome']) =>
      this.messages.push({
        outcome,
        messageId: parsed.messageId ?? '',
        to: addressesOf(parsed.to),
        subject: parsed.subject ?? '',
        inReplyTo: parsed.inReplyTo,
        references: refs,
        at: Date.now(),
        html: parsed.html || undefined,
      });
    switch (step.kind) {
      case 'reply':
        record('rejected');
        return callback(smtpError(step.code, step.message));
      case 'dropAfterData': {
        // The server has the message (a real MTA would queue it now); the client never hears the 250.
        record('dropped');
        for (const c of this.server.connections) if (c.id === session.id) c._socket.destroy();
        return callback(); // nothing is written: the socket is gone
      }
      case 'delay':
        record('accepted');
        setTimeout(() => callback(null, 'OK: queued (slowly)'), step.ms);
        return;
      default:
        record('accepted');
        return callback(null, 'OK: queued');
    }
  }
}
