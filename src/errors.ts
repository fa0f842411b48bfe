export { ValidationError } from './domain/events';

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
