// Wiring of one poller instance: per enabled source, a leader election and the sweep loop it gates.
// Used by main.ts and by the integration tests (which point it at simulators and unique topics).

import type { Kafka } from 'kafkajs';
import type { Logger } from '@siaghsync/shared/logger';
import type { EventCodec } from '@siaghsync/shared/registry';
import type { SourceSystem } from '@siaghsync/shared/events';
import type { SyncConfig } from '@siaghsync/shared/mapping/syncConfig';
import type { CrmClient } from '@siaghsync/shared/crm/client';
import type { SiaghClient } from '@siaghsync/shared/siagh/client';
import { topicName } from '@siaghsync/shared/kafka/topics';
import type { PollerSettings } from './config';
import { LeaderElection } from './leader';
import { SourceRunner } from './runner';
import { sweepCrm } from './crmPoller';
import { sweepSiagh } from './siaghPoller';
import { RawMemo } from './rawMemo';
import type { PollerMetrics } from './metrics';
import { chooseInterval, CostSamples } from './interval';

export interface PollerDeps {
  kafka: Kafka;
  codec: EventCodec;
  prefix: string;
  settings: PollerSettings;
  syncConfig: SyncConfig;
  crm?: CrmClient | undefined;
  siagh?: SiaghClient | undefined;
  logger: Logger;
  metrics: PollerMetrics;
}

export interface SourceHandle {
  source: SourceSystem;
  election: LeaderElection;
  runner: SourceRunner;
}

export class Poller {
  readonly handles: SourceHandle[] = [];

  constructor(private readonly d: PollerDeps) {
    const { settings, prefix, logger, metrics } = d;
    const stateTopic = topicName('pollerState', prefix);
    for (const source of settings.sources) {
      const log = logger.child({ source });
      const costs = new CostSamples();
      const memo = new RawMemo();
      const timing = {
        intervalMs: source === 'crm' ? settings.crm.intervalMs : settings.siagh.minMs,
        jitter: settings.jitter,
        backoffMaxMs: settings.backoffMaxMs,
      };
      const runner = new SourceRunner({
        source,
        kafka: d.kafka,
        codec: d.codec,
        changesTopic: topicName('changes', prefix),
        stateTopic,
        transactionalId: `${prefix}siaghsync-poller-${source}`,
        chunkSize: settings.chunkSize,
        snapshotKey: settings.snapshotKey,
        minRatio: settings.minRatio,
        timing,
        ...(source === 'siagh' && { interval: () => chooseInterval(settings.siagh, costs.values) }),
        logger: log,
        metrics,
        sweep: (tracker, correlationId, shouldStop, onProgress) => {
          if (source === 'crm') {
            if (!d.crm) throw new Error('CRM polling enabled without a CRM client');
            const opts = { ...settings.crm, shouldStop, onProgress };
            return sweepCrm(d.crm, d.syncConfig, tracker, opts, correlationId, log, metrics);
          }
          if (!d.siagh) throw new Error('Siagh polling enabled without a Siagh client');
          const onGetAll = (ms: number) => {
            costs.add(ms);
            metrics.getAllSeconds.set(ms / 1000);
          };
          return sweepSiagh(d.siagh, d.syncConfig, tracker, correlationId, onGetAll, memo);
        },
      });
      const election = new LeaderElection({
        kafka: d.kafka,
        stateTopic,
        groupId: `${prefix}siaghsync-poller-leader-${source}`,
        source,
        sessionTimeoutMs: settings.leaderSessionMs,
        logger: log,
        onChange: (leader) => {
          metrics.leader.set({ source }, leader ? 1 : 0);
          if (leader) runner.start();
          else void runner.stop();
        },
      });
      this.handles.push({ source, election, runner });
    }
  }

  async start(): Promise<void> {
    for (const h of this.handles) await h.election.start();
  }

  /** Graceful: the sweep in flight commits, then the group is left (a survivor takes over at once). */
  async stop(): Promise<void> {
    await Promise.all(this.handles.map((h) => h.runner.stop()));
    await Promise.all(this.handles.map((h) => h.election.stop()));
  }

  handle(source: SourceSystem): SourceHandle | undefined {
    return this.handles.find((h) => h.source === source);
  }
}
