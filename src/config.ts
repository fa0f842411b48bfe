import { z } from 'zod';
import { parseDuration } from './domain/duration';
import type { StormPolicy } from './domain/digest';
import { resolveTemporalConnection, TemporalSettingError, type TemporalConnection } from './temporal';

/**
 * Every environment variable docnotify reads, parsed once (product.md, "Configuration").
 * A bad value stops the program with a message that names the variable.
 */
const url = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol.replace(':', ''));
        } catch {
          return false;
        }
      },
      `must be a URL with scheme ${protocols.join(' or ')}, e.g. ${example}`,
    );

/** The ms of an elapsed duration ("60s", "PT1M", "24h"); undefined when the value is not one. */
export function elapsedMs(v: string): number | undefined {
  try {
    const d = parseDuration(v);
    return d.kind === 'elapsed' ? d.ms : undefined;
  } catch {
    return undefined;
  }
}

const SEND_AHEAD_MAX_MS = 15 * 60_000;

/** The webhook destination policy of this deployment. */
export const webhookPolicy = (config: Pick<Config, 'WEBHOOK_ALLOW_HTTP' | 'WEBHOOK_ALLOWED_HOSTS'>) => ({
  allowHttp: config.WEBHOOK_ALLOW_HTTP,
  allowedHosts: config.WEBHOOK_ALLOWED_HOSTS,
});

/** RULES_FANOUT_MAX_LAG in ms (0: the fan-out never waits for the workers). */
export const fanOutMaxLagMs = (config: Pick<Config, 'RULES_FANOUT_MAX_LAG'>): number =>
  elapsedMs(config.RULES_FANOUT_MAX_LAG) ?? 0;

/** SEND_AHEAD in ms. */
export const sendAheadMs = (config: Pick<Config, 'SEND_AHEAD'>): number => elapsedMs(config.SEND_AHEAD) ?? 0;

/** SNOOZE_MAX_TOTAL in ms. */
export const snoozeMaxTotalMs = (config: Pick<Config, 'SNOOZE_MAX_TOTAL'>): number =>
  elapsedMs(config.SNOOZE_MAX_TOTAL) ?? 7 * 86_400_000;

/** The storm policy of STORM_LIMIT and STORM_WINDOW. */
export const stormPolicy = (config: Pick<Config, 'STORM_LIMIT' | 'STORM_WINDOW'>): StormPolicy => ({
  limit: config.STORM_LIMIT,
  windowMs: elapsedMs(config.STORM_WINDOW) ?? 15 * 60_000,
});

const positiveInt = (def: number) =>
  z.coerce.number().int('must be a whole number').positive('must be positive').default(def);

export const configSchema = z.object({
  /** Temporal frontend `host:port`. @default localhost:7233 */
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port, e.g. localhost:7233')
    .default('localhost:7233'),
  /** @default default */
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  /** Task queue of the document workflows. @default docnotify */
  TASK_QUEUE: z.string().trim().min(1).default('docnotify'),
  /** PostgreSQL connection URL. Required by the worker and the web server (`docnotify dev` fills it in). */
  DATABASE_URL: url(['postgres', 'postgresql'], 'postgres://user:pass@localhost:5432/docnotify').optional(),
  /** SMTP relay: smtp:// (STARTTLS when offered) or smtps:// (implicit TLS); user:pass in the URL for auth. */
  SMTP_URL: url(['smtp', 'smtps'], 'smtp://localhost:1025').optional(),
  /** Sender address of every email. @default docnotify@localhost */
  MAIL_FROM: z.string().trim().min(3).default('docnotify <docnotify@localhost>'),
  /** Base URL of links in emails (action pages, document pages). @default http://localhost:3000 */
  PUBLIC_BASE_URL: url(['http', 'https'], 'https://docnotify.example.com').default('http://localhost:3000'),
  /** Action link signing keys: one secret (>= 32 chars) or "kid:secret[,kid:secret:verify-only|retired]". */
  ACTION_LINK_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (or "kid:secret,..." with such secrets)')
    .optional(),
  /** Bearer token for the ingest and admin API. */
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** HTTP port. @default 3000 */
  PORT: z.coerce.number().int().min(1).max(65535, 'must be a port number (1-65535)').default(3000),
  /** Trust X-Forwarded-For from a reverse proxy (client addresses for rate limits). @default false */
  TRUST_PROXY: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** Administrator sign-in for /admin, "user:password". */
  ADMIN_CREDENTIALS: z
    .string()
    .regex(/^[^:]+:.{8,}$/, 'must be "user:password" with a password of at least 8 characters')
    .optional(),
  /** Emails per second across the worker's SMTP pool (0 = unlimited). @default 0 */
  SMTP_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  /** SMTP pool connections. @default 5 (nodemailer's default) */
  SMTP_POOL_SIZE: positiveInt(5),
  /** How long temporary SMTP failures are retried before the email is marked failed. @default 72h */
  SMTP_RETRY_FOR: z
    .string()
    .trim()
    .refine((v) => elapsedMs(v) !== undefined, 'must be an elapsed duration, e.g. 72h or P3D')
    .default('72h'),
  /** Optional DKIM signing: domain, selector and the PEM private key (inline or a file path). */
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  /**
   * Workflows kept in the worker's cache (≈ 0.2 MB of heap each, measured; an evicted one replays its run when it
   * wakes). With the 256 MB heap of `docnotify worker`, 10,000 open documents stay within 512 MB. @default 250
   */
  WORKER_MAX_CACHED_WORKFLOWS: positiveInt(250),
  /**
   * Signals per second with which a rules or calendar change is told to the tenant's running documents (each wakes
   * its workflow once): 10,000 affected documents take 10,000 / rate seconds. @default 50
   */
  RULES_FANOUT_RATE: z.coerce
    .number()
    .positive('must be a positive number of signals per second')
    .max(10_000)
    .default(50),
  /**
   * The rules fan-out waits while a document it told waits longer than this for a worker (its workflow task pending on
   * the server; checked once a second on one document): a fan-out faster than the workers re-plan would only queue
   * wake-ups, and the queries and events of every document behind them. 0 = never wait (keep to RULES_FANOUT_RATE
   * alone). @default 2s
   */
  RULES_FANOUT_MAX_LAG: z
    .string()
    .trim()
    .refine((v) => v === '0' || elapsedMs(v) !== undefined, 'must be 0 or an elapsed duration, e.g. 2s or PT2S')
    .default('2s'),
  /**
   * How long before a planned email its workflow wakes to prepare it (recipients, rendering, the ledger row); the
   * email then waits in its activity and goes out at the instant, so many emails due at once are not late by the
   * time the server takes to wake their workflows. 0 = wake at the instant. A change to the document before the
   * instant withdraws the email. @default 60s
   */
  SEND_AHEAD: z
    .string()
    .trim()
    .refine((v) => {
      const ms = v === '0' ? 0 : elapsedMs(v);
      return ms !== undefined && ms <= SEND_AHEAD_MAX_MS;
    }, 'must be 0 or an elapsed duration of at most 15 minutes, e.g. 60s or PT1M')
    .default('60s'),
  /** Emails a worker holds waiting for their instant (activity slots of `<TASK_QUEUE>-email-scheduled`). @default 2000 */
  SEND_AHEAD_MAX_HELD: positiveInt(2000),
  /** Allow tenant webhooks over plain http:// (https only otherwise). @default false */
  WEBHOOK_ALLOW_HTTP: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Comma-separated hosts (`pipeline.example.com`, `*.example.com`) tenant webhooks may point at; empty = any host
   * that resolves to public addresses only. Listed hosts may be internal (the operator vouches for them).
   */
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    )
    .refine(
      (hosts) => hosts.every((h) => /^(\*\.)?[a-z0-9.:_-]+$/.test(h)),
      'must be host names or *.domain patterns separated by commas',
    ),
  /** How long a decision webhook the pipeline does not accept is retried before it is given up (logged as an error). @default 24h */
  WEBHOOK_RETRY_FOR: z
    .string()
    .trim()
    .refine((v) => elapsedMs(v) !== undefined, 'must be an elapsed duration, e.g. 24h or P1D')
    .default('24h'),
  /**
   * The most a task's reminders (and escalations) can be postponed in total, per status visit, by snoozes; a snooze
   * beyond it is shortened to what is left, and refused when nothing is left. Never past the due date either; each
   * link snoozes once (docs/action-links.md). @default 7d
   */
  SNOOZE_MAX_TOTAL: z
    .string()
    .trim()
    .refine((v) => (elapsedMs(v) ?? 0) >= 60_000, 'must be an elapsed duration of at least 1 minute, e.g. 7d or P7D')
    .default('7d'),
  /** Local time of day (the recipient's time zone) daily digests go out at, on the tenant's working days. */
  DIGEST_TIME: z
    .string()
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:mm, e.g. 08:00')
    .default('08:00'),
  /** Storm protection: more than STORM_LIMIT error notices to one person within STORM_WINDOW become one summary. */
  STORM_LIMIT: positiveInt(10),
  STORM_WINDOW: z
    .string()
    .trim()
    .refine((v) => (elapsedMs(v) ?? 0) >= 60_000, 'must be an elapsed duration of at least 1 minute, e.g. 15m')
    .default('15m'),
  /** Port of the worker's own /metrics endpoint (Prometheus); unset = none (the web server has /metrics). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535, 'must be a port number (1-65535)').optional(),
  /** Default locale of tenants. @default en */
  DEFAULT_LOCALE: z.enum(['en', 'es', 'de']).default('en'),
  /** pino log level. @default info */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Temporal Web UI base URL, for links from the admin page. @default http://localhost:8233 */
  TEMPORAL_UI_URL: url(['http', 'https'], 'http://localhost:8233').default('http://localhost:8233'),
  /**
   * OTLP/HTTP collector base URL: set = OpenTelemetry tracing on (spans to `<url>/v1/traces`); unset = off, no
   * overhead (docs/tracing.md). The exporter reads the other OTEL_EXPORTER_OTLP_* variables itself.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: url(['http', 'https'], 'http://localhost:4318').optional(),
  /** The full traces URL, used as given (instead of `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`); also turns tracing on. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(['http', 'https'], 'http://localhost:4318/v1/traces').optional(),
  /** service.name of the spans. @default docnotify-worker / docnotify-web */
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  /** true = tracing off even with an endpoint set (OpenTelemetry's standard switch). @default false */
  OTEL_SDK_DISABLED: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export type Config = z.infer<typeof configSchema> & {
  /** How to reach Temporal: TEMPORAL_* variables and the TEMPORAL_PROFILE of temporal.toml, as the Temporal CLI reads them. */
  temporal: TemporalConnection;
};

/** Thrown for invalid configuration; its message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment (after `.env`, when present). Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = configSchema.safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  try {
    const temporal = resolveTemporalConnection(cleaned);
    // The profile may name the address and namespace: the variables read the same as the connection.
    return { ...r.data, TEMPORAL_ADDRESS: temporal.address, TEMPORAL_NAMESPACE: temporal.namespace, temporal };
  } catch (e) {
    if (e instanceof TemporalSettingError) throw new ConfigError(`invalid configuration:\n  ${e.message}`);
    throw e;
  }
}

/** Requires a variable that is optional in general but needed by this command. */
export function required<K extends keyof Config>(config: Config, key: K, why: string): NonNullable<Config[K]> {
  const v = config[key];
  if (v === undefined || v === null)
    throw new ConfigError(`invalid configuration:\n  ${String(key)}: is required ${why}`);
  return v as NonNullable<Config[K]>;
}
