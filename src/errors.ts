import { ValidationError } from './domain/events';
import { Failure, type ErrorKind } from './domain/failures';

export { ValidationError };

/** The thing asked for does not exist (HTTP 404, CLI exit 3). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The change conflicts with existing data, e.g. a duplicate rule name (HTTP 409). */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

/** A service docnotify needs did not answer in time, e.g. no worker answers a document's query (HTTP 503). */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** The credentials are valid but do not reach this tenant or route (HTTP 403, CLI exit 2). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

/**
 * The failure type of one of the error classes above (ValidationError included), undefined for any other value.
 * Its HTTP status and CLI exit code are in `FAILURES` (src/domain/failures.ts).
 */
export function failureTypeOf(err: unknown): Exclude<ErrorKind, 'ConfigError'> | undefined {
  if (err instanceof ValidationError) return Failure.ValidationError;
  if (err instanceof ForbiddenError) return Failure.ForbiddenError;
  if (err instanceof NotFoundError) return Failure.NotFoundError;
  if (err instanceof ConflictError) return Failure.ConflictError;
  if (err instanceof UnavailableError) return Failure.UnavailableError;
  return undefined;
}
