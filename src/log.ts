import pino, { type Logger } from 'pino';

/** The process logger (JSON lines on stdout; level from LOG_LEVEL). */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'docnotify'): Logger {
  return pino({ name, level, redact: { paths: ['token', '*.token', 'req.url'], censor: '[redacted]' } });
}
