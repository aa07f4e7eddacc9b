// The topic catalogue: every topic the pipeline uses, with its partitioning and retention and WHY.
// Our code creates topics (auto-creation is off on the broker), so a typo cannot silently make one.

export interface TopicSpec {
  /** Logical name; the real name is `${prefix}siaghsync.${name}`. */
  name: string;
  partitions: number;
  cleanup: 'compact' | 'delete';
  retentionMs?: number;
  reason: string;
}

const DAY = 24 * 60 * 60 * 1000;

/** Work and state MUST have the same partition count: state is restored per assigned work partition. */
export const WORK_PARTITIONS = 6;

export const TOPICS = {
  changes: {
    name: 'changes',
    partitions: 6,
    cleanup: 'delete',
    retentionMs: 14 * DAY,
    reason:
      'Raw change events from ingest and poller, keyed by source id (crm:<guid>, siagh:<code>) so one record stays in order; kept 14 days for replay.',
  },
  work: {
    name: 'work',
    partitions: WORK_PARTITIONS,
    cleanup: 'delete',
    retentionMs: 14 * DAY,
    reason:
      'Events routed to their canonical key (repartition): every event of one customer, from either side, lands on one partition and is processed in order.',
  },
  workBulk: {
    name: 'work-bulk',
    partitions: WORK_PARTITIONS,
    cleanup: 'delete',
    retentionMs: 14 * DAY,
    reason:
      "Bulk work (the import, mass re-observations) seen in Siagh, keyed and partitioned like `work`: bulk work has its own lanes, so a live change never waits behind the import's queue of other customers.",
  },
  workBulkCrm: {
    name: 'work-bulk-crm',
    partitions: WORK_PARTITIONS,
    cleanup: 'delete',
    retentionMs: 14 * DAY,
    reason:
      "The same for bulk work seen in the CRM. Apart from Siagh's, so the two imports run side by side: Siagh's arrives at once (one GetAll) and would otherwise hold the CRM's, and with it every Siagh create, behind all of its own CRM creates.",
  },
  entityState: {
    name: 'entity-state',
    partitions: WORK_PARTITIONS,
    cleanup: 'compact',
    reason:
      'Changelog of per-entity sync state, keyed and partitioned like `work`; compacted so restore reads only the latest state per key.',
  },
  links: {
    name: 'links',
    partitions: 3,
    cleanup: 'compact',
    reason:
      'Id index source id -> canonical key, read whole by every router; compacted, a tombstone unlinks.',
  },
  intents: {
    name: 'intents',
    partitions: 3,
    cleanup: 'compact',
    reason:
      'Create intents committed before each external create, keyed by target side and natural key; the router reads them to end before deciding a new key.',
  },
  outcomes: {
    name: 'outcomes',
    partitions: 6,
    cleanup: 'delete',
    retentionMs: 90 * DAY,
    reason: 'One outcome per processed event (the audit trail); the projector rebuilds its views from it.',
  },
  conflicts: {
    name: 'conflicts',
    partitions: 3,
    cleanup: 'delete',
    retentionMs: 365 * DAY,
    reason: 'Every conflict detected and every settlement, in order per entity; kept a year for analysts.',
  },
  deadLetters: {
    name: 'dead-letters',
    partitions: 3,
    cleanup: 'delete',
    retentionMs: 365 * DAY,
    reason: 'Events that failed permanently, with the reason and the original event for redrive.',
  },
  quarantine: {
    name: 'quarantine',
    partitions: 3,
    cleanup: 'delete',
    retentionMs: 365 * DAY,
    reason:
      'Records a consumer could not decode at all (not our wire format, a payload that does not match its schema, an invalid event), byte for byte with their headers, source topic/partition/offset and the reason, written before the offset moves past them: an undecodable record is never silently lost. Kept a year, like dead letters.',
  },
  syncerEpochs: {
    name: 'syncer-epochs',
    partitions: 1,
    cleanup: 'delete',
    retentionMs: 7 * DAY,
    reason:
      'One record per syncer group join; its offset is the join epoch that fences state written by a zombie (kafkajs exposes no group generation). One partition: offsets are totally ordered.',
  },
  control: {
    name: 'control',
    partitions: 1,
    cleanup: 'compact',
    reason:
      "Operator pause flags, one signed record per scope (all, a side, a customer), read whole by every syncer; compacted: a scope's latest record says whether it is paused (shared/src/operator/pause.ts).",
  },
  pollerState: {
    name: 'poller-state',
    partitions: 1,
    cleanup: 'compact',
    reason:
      'Poller cursors and last-seen checksums per record; compacted so a restarted poller resumes from the latest value per key. One partition: one active poller reads it all.',
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicKey = keyof typeof TOPICS;

export function topicName(key: TopicKey, prefix = ''): string {
  return `${prefix}siaghsync.${TOPICS[key].name}`;
}

/** The topics of the syncer's group: live work first, then bulk work by the side it was seen in. */
export const WORK_TOPICS = ['work', 'workBulk', 'workBulkCrm'] as const satisfies readonly TopicKey[];

/** Where the router sends bulk work seen in `source`. */
export const bulkTopicOf = (source: 'crm' | 'siagh'): TopicKey =>
  source === 'crm' ? 'workBulkCrm' : 'workBulk';

export function topicConfigEntries(spec: TopicSpec): { name: string; value: string }[] {
  const entries: { name: string; value: string }[] = [{ name: 'cleanup.policy', value: spec.cleanup }];
  if (spec.retentionMs !== undefined) entries.push({ name: 'retention.ms', value: String(spec.retentionMs) });
  if (spec.cleanup === 'compact') {
    // Compact soon enough that a restore does not read days of superseded state.
    entries.push({ name: 'min.cleanable.dirty.ratio', value: '0.1' });
    entries.push({ name: 'segment.ms', value: String(DAY / 4) });
  }
  return entries;
}
