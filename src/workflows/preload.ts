/**
 * Libraries the workflow sandbox evaluates once and shares between all cached workflows (the worker's
 * `preloadModules`, see src/workflow-bundle.ts). Without it every cached workflow evaluates its own copy of zod
 * and luxon: about 0.5 MB each, most of a waiting document's memory.
 *
 * Preloaded modules are deep-frozen by the SDK, so only stateless libraries belong here, and zod's two lazy
 * defaults (its English messages and its memoizer, set on first use) are set now, while they still can be.
 * domain/shared.ts is preloaded too: what it builds (the event schemas) is then built once per worker thread and
 * shared by every workflow, instead of once per workflow.
 * (Named through an export: webpack drops a bare preload of a `sideEffects: false` package.)
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { shared } from '../domain/shared';

z.strictObject({ warm: z.string() }).safeParse({ warm: 1 });

export const sharedLibraries = { z, IANAZone, shared };
