import { ConstantBackoff, handleAll, retry } from 'cockatiel';
import type { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { permanent } from '../errors';
import { replicationProblem, underInsync, underReplicated, type Replication } from './connection';
import { TOPICS, topicConfigEntries, topicName, type TopicKey } from './topics';

// kafkajs's ConfigResourceTypes.TOPIC; its enum is not a named export an ES module can import.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

/** A single local broker; a deployment sets KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS. */
export const SINGLE_COPY: Replication = { replicationFactor: 1, minInsyncReplicas: 1 };

/**
 * Creates the catalogue's topics that do not exist yet; safe to call from every service at start-up
 * and concurrently (a lost creation race is "already exists", which is what we wanted). Refuses to
 * create topics on a cluster that cannot hold the configured copies, and to use topics that hold fewer:
 * with `acks=all` a topic of one copy still loses what a dead broker had acknowledged.
 */
export async function ensureTopics(
  kafka: Kafka,
  prefix = '',
  keys: readonly TopicKey[] = Object.keys(TOPICS) as TopicKey[],
  replication: Replication = SINGLE_COPY,
): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = keys.filter((k) => !existing.has(topicName(k, prefix)));
    // Listed is not yet served: a topic another service created a moment ago answers "does not host
    // this topic-partition" to the first produce or subscribe (every service starts at once on a fresh
    // broker). Each service therefore waits until all of its topics have leaders.
    const all = keys.map((k) => topicName(k, prefix));
    await refuseUnderReplicated(
      admin,
      replication,
      all.filter((t) => existing.has(t)),
    );
    if (missing.length === 0) {
      await awaitLeaders(admin, all);
      return [];
    }
    // Only topics still to create need the brokers: an existing topic's copies are its replica list, and
    // a broker down for a restart must not keep a service from starting (seen: a projector restarted
    // while one of three brokers was down refused to start).
    const { brokers } = await admin.describeCluster();
    const short = replicationProblem(replication, brokers.length);
    if (short) throw permanent('KAFKA_REPLICATION', short);
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((k) => ({
          topic: topicName(k, prefix),
          numPartitions: TOPICS[k].partitions,
          replicationFactor: replication.replicationFactor,
          configEntries: [
            ...topicConfigEntries(TOPICS[k]),
            { name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) },
          ],
        })),
      });
    } catch (err) {
      // Another instance created some of them between our list and our create.
      const type = (err as { type?: string }).type;
      const nested = (err as { errors?: { type?: string }[] }).errors ?? [];
      const onlyExists =
        type === 'TOPIC_ALREADY_EXISTS' ||
        (nested.length > 0 && nested.every((e) => e.type === 'TOPIC_ALREADY_EXISTS'));
      // Created, by us or by the instance that won the race; kafkajs's own leader wait gives up on
      // "does not host this topic-partition" from a broker that just started.
      if (!onlyExists && type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw err;
    }
    await awaitLeaders(admin, all);
    return missing.map((k) => topicName(k, prefix));
  } finally {
    await admin.disconnect();
  }
}

async function refuseUnderReplicated(admin: Admin, rep: Replication, topics: string[]): Promise<void> {
  if (topics.length === 0 || rep.replicationFactor === 1) return;
  const { topics: meta } = await admin.fetchTopicMetadata({ topics });
  const short = underReplicated(rep, meta);
  if (short.length > 0)
    throw permanent(
      'KAFKA_REPLICATION',
      `KAFKA_REPLICATION_FACTOR is ${rep.replicationFactor} but these topics keep fewer copies: ${short.join(', ')}; ` +
        'reassign their partitions (kafka-reassign-partitions.sh) before starting',
    );
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({
      type: TOPIC_RESOURCE,
      name,
      configNames: ['min.insync.replicas'],
    })),
  });
  const loose = underInsync(
    rep,
    resources.map((r) => ({
      name: r.resourceName,
      minInsync: Number(
        r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue ?? 1,
      ),
    })),
  );
  // Not raised here: kafkajs's alterConfigs replaces every override of the topic (its compaction too).
  if (loose.length > 0)
    throw permanent(
      'KAFKA_REPLICATION',
      `KAFKA_MIN_INSYNC_REPLICAS is ${rep.minInsyncReplicas} but these topics accept fewer copies in sync: ${loose.join(', ')}; ` +
        `raise it (kafka-configs.sh --alter --entity-type topics --entity-name <topic> --add-config min.insync.replicas=${rep.minInsyncReplicas}) before starting`,
    );
}

/** Until every partition of `topics` has a leader (up to about 30 s). */
async function awaitLeaders(admin: Admin, topics: string[]): Promise<void> {
  await retry(handleAll, { maxAttempts: 60, backoff: new ConstantBackoff(500) }).execute(async () => {
    const { topics: meta } = await admin.fetchTopicMetadata({ topics });
    const leaderless = meta.flatMap((t) =>
      t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}/${p.partitionId}`),
    );
    if (meta.length < topics.length || leaderless.length > 0)
      throw new Error(`topics without leaders yet: ${leaderless.join(', ') || 'metadata incomplete'}`);
  });
}
