import type { ProjectorEvent } from '../events';
import type { View, ViewDoc } from '../views/types';

/** Folds events through a view's evolve in memory, as the runner does per document. */
export function fold<D extends ViewDoc>(
  view: View<D>,
  events: ProjectorEvent[],
  start = new Map<string, D>(),
): Map<string, D> {
  const docs = new Map(start);
  for (const e of events) {
    for (const id of view.keys(e)) {
      const next = view.evolve(docs.get(id) ?? null, e, id);
      if (next) docs.set(id, next);
    }
  }
  return docs;
}

/** given / when / then for views (emmett's DeciderSpecification, for a fold). */
export const ViewSpec = {
  for<D extends ViewDoc>(view: View<D>) {
    return (...given: ProjectorEvent[]) => ({
      when: (...when: ProjectorEvent[]) => {
        const docs = fold(view, when, fold(view, given));
        return {
          then: (id: string, check: (doc: D | undefined) => void) => check(docs.get(id)),
          thenDocs: (check: (docs: Map<string, D>) => void) => check(docs),
        };
      },
    });
  },
};
