import type { AnyView } from './types';
import { syncAuditView } from './sync_audit/evolve';
import { entityMappingsView } from './entity_mappings/evolve';
import { conflictsView } from './conflicts/evolve';
import { deadLettersView } from './dead_letters/evolve';
import { countersView } from './counters/evolve';
import { counterTotalsView } from './counter_totals/evolve';
import { lineageView } from './lineage/evolve';
import { pendingView } from './pending/evolve';

// Each view is typed by its own document; the runner handles them all through the common shape.
export const VIEWS = [
  syncAuditView,
  entityMappingsView,
  conflictsView,
  deadLettersView,
  countersView,
  counterTotalsView,
  lineageView,
  pendingView,
] as unknown as readonly AnyView[];
