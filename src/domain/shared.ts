/**
 * Values built once and shared: in a normal process that is what a module constant is anyway; in the workflow
 * sandbox it is not. Temporal evaluates the workflow bundle's modules once for every workflow it creates, except
 * the ones it preloads (src/workflows/preload.ts preloads this one), so a zod schema declared at module level is
 * built again, and its parser compiled again on first use, for every document: about 2 ms of worker CPU before a
 * document's first email, and a copy in the memory of every cached workflow.
 *
 * The SDK deep-freezes what preloaded modules export, and zod 4 fills in its internals lazily (on first parse), so
 * the values here live in a closure, out of the freeze's reach, and are built when first asked for, inside a
 * workflow, after the freeze. Only pure values belong here: a workflow must never be able to tell whether it built
 * one or found it built (a schema and its compiled parser qualify; anything with state a workflow could change does
 * not).
 */
const built = new Map<string, unknown>();

/** The value under `key`, built by `build` the first time it is asked for (the key names the module and the value). */
export function shared<T>(key: string, build: () => T): T {
  if (!built.has(key)) built.set(key, build());
  return built.get(key) as T;
}
