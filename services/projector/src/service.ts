import {
  encodePauseFlag,
  PAUSE_SIGNATURE_HEADER,
  signPauseFlag,
  type PauseFlag,
} from '@siaghsync/shared/operator/pause';
import { closingOnFailure } from '@siaghsync/shared/startup';
import type { Server } from 'node:http';
import { MongoClient } from 'mongodb';
import {
  createIdempotentProducer,
  createKafka,
  ensureTopics,
  kafkaConnection,
  registryAuthOf,
  replicationOf,
  sendWithin,
  topicName,
} from '@siaghsync/shared/kafka/index';
import { EventCodec } from '@siaghsync/shared/registry';
import type { Logger } from '@siaghsync/shared/logger';
import type { WorkEvent } from '@siaghsync/shared/events';
import { OPERATOR_SIGNATURE_HEADER, signOperatorEvent } from '@siaghsync/shared/operator/signature';
import { HttpError } from './api/route';
import type { ProjectorConfig } from './config';
import { createApp } from './api/app';
import { allowedHosts } from './api/hosts';
import { Slots } from './api/slots';
import { lagWatcher } from './lag';
import { freshnessReporter } from './freshness';
import { createMetrics } from './metrics';
import { Projector } from './runner/projector';
import { snapshot } from './store/reader';
import { unsettledConflicts } from './views/conflicts/queries';

export interface RunningService {
  url: string;
  projector: Projector;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Test hook passed to the projector (abort a rebuild mid-batch). */
  buildSignal?: AbortSignal;
}

/** Wires the projector: Mongo, Kafka, registry, runners and the HTTP server. main.ts only adds signals. */
export async function startService(
  cfg: ProjectorConfig,
  logger: Logger,
  opts: ServiceOptions = {},
): Promise<RunningService> {
  const mongo = await MongoClient.connect(cfg.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
  // Each client opened is registered: a failed start closes them, so a retried start leaks none.
  return closingOnFailure(async (opened) => {
    opened(() => mongo.close());
    const db = cfg.PROJECTOR_DB ? mongo.db(cfg.PROJECTOR_DB) : mongo.db();
    const kafka = createKafka({
      ...kafkaConnection(cfg),
      clientId: cfg.KAFKA_CLIENT_ID ?? 'siaghsync-projector',
      logger,
    });
    await ensureTopics(
      kafka,
      cfg.TOPIC_PREFIX,
      ['outcomes', 'conflicts', 'deadLetters', 'entityState', 'work', 'quarantine', 'control'],
      replicationOf(cfg),
    );
    const codec = new EventCodec(cfg.SCHEMA_REGISTRY_URL, registryAuthOf(cfg));
    await codec.registerAll();
    const producer = createIdempotentProducer(kafka);
    opened(() => producer.disconnect());
    await producer.connect();
    const metrics = createMetrics(async () => unsettledConflicts(await snapshot(db)));

    const controlTopic = topicName('control', cfg.TOPIC_PREFIX);
    const operatorKey = (): string => {
      const key = cfg.OPERATOR_EVENT_KEY;
      if (!key)
        throw new HttpError(
          503,
          'operator-events-off',
          "OPERATOR_EVENT_KEY is not set on this projector: the syncer would refuse its unsigned operator events. Set it (the syncer's key, 32+ characters) and restart.",
        );
      return key;
    };
    // Answered only after Kafka acknowledged (acks=all): a 202 means the syncer will see it.
    const sendSigned = (topic: string, key: string, value: Buffer, headers: Record<string, string>) =>
      sendWithin(producer, topic, [{ key, value, headers }], 10_000);
    const projector = new Projector({
      kafka,
      codec,
      db,
      logger,
      topicPrefix: cfg.TOPIC_PREFIX,
      groupId: cfg.PROJECTOR_GROUP_ID,
      sessionTimeoutMs: cfg.PROJECTOR_SESSION_TIMEOUT_MS,
      leaseMs: cfg.PROJECTOR_LEASE_MS,
      secondaryIndexes: cfg.PROJECTOR_SECONDARY_INDEXES,
      rebuildFlush: {
        maxEvents: cfg.PROJECTOR_REBUILD_FLUSH_EVENTS,
        maxAgeMs: cfg.PROJECTOR_REBUILD_FLUSH_MS,
      },
      onBatch: (version, s) => {
        metrics.eventsApplied.inc({ version: String(version) }, s.events);
        metrics.docsWritten.inc({ version: String(version) }, s.written);
        for (const [view, w] of Object.entries(s.views)) {
          metrics.viewDocs.inc({ view, op: 'insert' }, w.inserted);
          metrics.viewDocs.inc({ view, op: 'replace' }, w.replaced);
          metrics.viewWriteSeconds.inc({ view }, w.ms / 1000);
        }
        metrics.batchSeconds.observe(s.ms / 1000);
        metrics.rebuildProgress.set(projector.progress()?.ratio ?? 1);
        metrics.liveVersion.set(projector.liveVersion ?? 0);
      },
      onDecodeError: (stream) => metrics.decodeErrors.inc({ stream }),
      // Acknowledged by Kafka before the window holding the record's offset can commit.
      quarantine: async (message, sourceTopic) => {
        await sendWithin(producer, topicName('quarantine', cfg.TOPIC_PREFIX), [message], 10_000);
        metrics.quarantined.inc({ topic: sourceTopic });
      },
      ...(opts.buildSignal ? { buildSignal: opts.buildSignal } : {}),
    });
    opened(() => projector.stop());
    await projector.start();

    const lag = lagWatcher(kafka, {
      groupPrefix: cfg.PROJECTOR_LAG_GROUP_PREFIX,
      topicPrefix: cfg.TOPIC_PREFIX,
      sampleMs: cfg.PROJECTOR_LAG_SAMPLE_MS,
      stallAfterMs: cfg.PROJECTOR_STALL_AFTER_MS,
    });
    opened(() => Promise.resolve(lag.stop()));
    const workTopic = topicName('work', cfg.TOPIC_PREFIX);
    const app = createApp({
      metrics,
      ready: () => projector.liveVersion !== null,
      allowedHosts: allowedHosts(cfg.PROJECTOR_HOST, cfg.PROJECTOR_ALLOWED_HOSTS),
      ctx: {
        db,
        logger,
        operatorToken: cfg.OPERATOR_TOKEN,
        readToken: cfg.PROJECTOR_READ_TOKEN,
        exportSlots: new Slots(cfg.PROJECTOR_MAX_EXPORTS, (n) => metrics.exportsInFlight.set(n)),
        projector,
        lag: () => lag.report(),
        freshness: freshnessReporter(cfg.SYNCER_URLS),
        parkRetryMs: cfg.SYNCER_PARK_RETRY_MS,
        async sendPause(flag: PauseFlag) {
          // Signed like an operator event: the syncer ignores a flag that is not (operator/pause.ts).
          await sendSigned(controlTopic, flag.scope, encodePauseFlag(flag), {
            [PAUSE_SIGNATURE_HEADER]: signPauseFlag(flag, operatorKey()),
          });
        },
        async sendWork(event: WorkEvent) {
          // Every event the projector sends makes the syncer write on an operator's word: it is signed,
          // and the syncer dead-letters one that is not (shared/src/operator/signature.ts).
          await sendSigned(workTopic, event.canonicalKey, await codec.encode('WorkEvent', event), {
            [OPERATOR_SIGNATURE_HEADER]: signOperatorEvent(event, operatorKey()),
          });
        },
      },
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(cfg.PROJECTOR_PORT, cfg.PROJECTOR_HOST, () => resolve(s));
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.PROJECTOR_PORT;
    logger.info({ port, host: cfg.PROJECTOR_HOST }, 'projector listening');

    return {
      url: `http://${cfg.PROJECTOR_HOST}:${port}`,
      projector,
      async stop() {
        // In-flight requests finish; runners commit what they wrote; then disconnect.
        // A dashboard's keep-alive connection would hold close() open until it times out.
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000).unref())]);
        server.closeAllConnections();
        lag.stop();
        await projector.stop();
        await producer.disconnect();
        await mongo.close();
      },
    };
  });
}
