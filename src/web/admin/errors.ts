/**
 * How the admin page answers errors: its own error page under the status of FAILURES for the classes it names, a
 * fastify 4xx as "Request refused", anything else as a logged 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { FAILURES, Failure, type FailureType } from '../../domain/failures';
import { failureTypeOf } from '../../errors';
import { sendHtml } from './context';
import { renderErrorPage } from './views/error';

/**
 * The error classes the admin pages answer with their own page, under FAILURES' status. Any other error, of these
 * classes too, goes on as unclassified (a fastify 4xx is "Request refused", the rest a 500): the routes that expect a
 * ConflictError, say, show it in their form.
 */
const ADMIN_HEADINGS: Partial<Record<FailureType, string>> = {
  [Failure.NotFoundError]: 'Not found',
  [Failure.ValidationError]: 'Invalid request',
};

/** Answers the error page `title` / `text` with `status`. */
export function sendErrorPage(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  return sendHtml(reply, renderErrorPage(title, text), status);
}

/** The error handler of the admin scope. */
export function adminErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const kind = failureTypeOf(err);
  const heading = kind && ADMIN_HEADINGS[kind];
  if (heading) return sendErrorPage(reply, FAILURES[kind].http, heading, err.message);
  const status = err.statusCode;
  if (status && status >= 400 && status < 500)
    return sendErrorPage(reply, status, 'Request refused', err.message ?? '');
  req.log.error({ err }, 'admin request failed');
  return sendErrorPage(reply, 500, 'Something went wrong', 'The request failed; the server log has the details.');
}
