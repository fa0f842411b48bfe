/**
 * `POST /api/v1/documents/:documentId/events`: one event or a batch of 1 to 100, validated all before any is
 * delivered (a bad batch starts nothing); each goes to its document's workflow (started if new).
 */
import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors';
import { parseEvent } from '../../domain/events';
import type { EventInput } from '../../client';
import { eventsTotal } from '../../metrics';
import type { WebDeps } from '../deps';
import { tenantFor } from '../plugins/principal';
import { route } from '../plugins/openapi';
import { eventAcceptedSchema, eventBodySchema } from './schemas';
import { byDocument, queryTenant, tenantQuery } from './shared';

type EventsRequest = FastifyRequest<{ Params: { documentId: string } }>;

/** The events of the body, each with the URL's document and the tenant the caller may reach. */
function eventsOf(req: EventsRequest): EventInput[] {
  const body = req.body;
  const batch = Array.isArray(body);
  const list: unknown[] = batch ? body : [body];
  if (list.length === 0 || list.length > 100)
    throw new ValidationError('invalid event: body must be an event object or an array of 1 to 100 events');
  const documentId = req.params.documentId;
  return list.map((item, index) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new ValidationError(`invalid event: ${batch ? `[${index}]` : 'body'}: must be a JSON object`);
    const event = item as Record<string, unknown>;
    if (event.documentId !== undefined && event.documentId !== documentId)
      throw new ValidationError(
        `invalid event: documentId: "${String(event.documentId)}" does not match the URL's "${documentId}"`,
      );
    const tenantId = tenantFor(req, event.tenantId ?? queryTenant(req), batch ? `[${index}].tenantId` : 'tenantId');
    return { ...event, documentId, tenantId } as EventInput;
  });
}

/** Validates every event before any is delivered; in a batch, the message names the event's index. */
function validateAll(events: EventInput[]): void {
  events.forEach((event, index) => {
    try {
      parseEvent({ eventId: 'x', occurredAt: new Date().toISOString(), ...event });
    } catch (err) {
      eventsTotal.inc({ outcome: 'rejected' });
      if (err instanceof ValidationError && events.length > 1)
        throw new ValidationError(err.message.replace('invalid event: ', `invalid event [${index}]: `), err.issues);
      throw err;
    }
  });
}

/** Registers the events route. */
export function registerEvents(api: FastifyInstance, deps: WebDeps): void {
  api.post<{ Params: { documentId: string } }>(
    '/documents/:documentId/events',
    {
      schema: route('documents', 'Send one event or a batch of events for a document', {
        params: byDocument,
        querystring: tenantQuery,
        body: eventBodySchema,
        response: {
          202: z
            .union([eventAcceptedSchema, z.array(eventAcceptedSchema)])
            .describe('Accepted: the workflow (started if new) and the event id; an array for a batch'),
        },
      }),
    },
    async (req, reply) => {
      const events = eventsOf(req);
      validateAll(events);
      const results = [];
      for (const event of events) results.push(await deps.client.sendEvent(event));
      eventsTotal.inc({ outcome: 'accepted' }, results.length);
      return reply.code(202).send(Array.isArray(req.body) ? results : results[0]);
    },
  );
}
