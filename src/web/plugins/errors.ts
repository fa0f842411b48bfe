/**
 * How the server answers what goes wrong: the one map from typed failures (`FAILURES[kind].http` of
 * src/domain/failures.ts) to the API's answers `{ error, issues? }` (400 names the field, never a stack trace), the
 * door that no control character gets through (in the URL or anywhere in a body), and the 404 of an unknown route.
 * The action and admin pages answer their own failures with pages; what escapes them ends here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failureTypeOf, ValidationError } from '../../errors';
import { FAILURES } from '../../domain/failures';
import { controlCharacterIssues } from '../../domain/events';

/** What fastify's own errors carry (a malformed body, a body too large, …). */
interface FastifyErrorLike {
  statusCode?: number;
  message?: string;
  code?: string;
}

/** Maps domain errors to HTTP answers: 400 names the field, never a stack trace. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const kind = failureTypeOf(err);
  if (kind) {
    const { message } = err as Error;
    const status = FAILURES[kind].http;
    return reply
      .code(status)
      .send(err instanceof ValidationError ? { error: message, issues: err.issues } : { error: message });
  }
  const e = err as FastifyErrorLike;
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (e.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return reply.code(400).send({ error: `body: malformed JSON (${e.message})` });
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return reply.code(e.statusCode).send({ error: e.message });
  reply.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: 'internal error; see the server log' });
}

/** The onRequest hook: a URL that does not decode, or that holds a control character, is refused (400). */
async function refuseControlCharactersInUrl(
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  let url: string;
  try {
    url = decodeURIComponent(req.url);
  } catch {
    return reply.code(400).send({ error: 'url: malformed percent-encoding' });
  }
  if (controlCharacterIssues(url).length > 0)
    return reply.code(400).send({ error: 'url: must not contain control characters' });
  return undefined;
}

/** The preValidation hook: a body holding a control character anywhere is refused (400), naming each place. */
async function refuseControlCharactersInBody(
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  const issues = controlCharacterIssues(req.body);
  if (issues.length > 0)
    return reply
      .code(400)
      .send({ error: `body: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`, issues });
  return undefined;
}

/** Installs the error handler, the control-character hooks and the not-found answer on the whole server. */
export function registerErrors(app: FastifyInstance): void {
  app.setErrorHandler((err, _req, reply) => sendError(reply, err));
  app.addHook('onRequest', refuseControlCharactersInUrl);
  app.addHook('preValidation', refuseControlCharactersInBody);
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}` }),
  );
}
