import { defineRoute } from '../route';
import { snapshot } from '../../store/reader';
import { readBuild } from '../../store/collections';
import { totals } from '../../views/counters/queries';
import { countConflicts } from '../../views/conflicts/queries';

export default defineRoute({
  method: 'get',
  path: '/api/summary',
  tag: 'summary',
  summary:
    'Totals per status and direction, conflicts per state, dead letters awaiting redrive, linked pairs',
  async handle(ctx) {
    const v = await snapshot(ctx.db);
    const build = await readBuild(ctx.db, v.version);
    return {
      viewVersion: v.version,
      outcomes: await totals(v, build?.views?.includes('counter_totals') ?? false),
      conflicts: await countConflicts(v),
      deadLetters: {
        pending: await v.view('dead_letters').countDocuments({ redriveState: 'pending' }),
        redriven: await v.view('dead_letters').countDocuments({ redriveState: 'redriven' }),
      },
      entities: {
        linked: await v.view('entity_mappings').countDocuments({ status: 'linked' }),
        total: await v.view('entity_mappings').countDocuments({}),
      },
    };
  },
});
