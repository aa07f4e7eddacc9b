// One active poller per source, however many instances run: every instance joins the consumer group
// `<prefix>siaghsync-poller-leader-<source>` on the 1-partition poller-state topic, and the member that is
// assigned partition 0 is the active one. Kafka's group protocol does the election: when the active
// member leaves (shutdown: at once) or dies (no heartbeat: after sessionTimeoutMs) the coordinator
// rebalances and partition 0 goes to a survivor. A zombie that still believes it leads is fenced by the
// transactional id the new leader initialises (emitter.ts), so it cannot commit a sweep.

import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@siaghsync/shared/logger';
import type { SourceSystem } from '@siaghsync/shared/events';
import { restartWhenGivenUp } from '@siaghsync/shared/kafka/supervise';
import { stickyLeaderAssigner } from './stickyAssigner';

export interface LeaderOptions {
  kafka: Kafka;
  stateTopic: string;
  groupId: string;
  source: SourceSystem;
  sessionTimeoutMs: number;
  logger: Logger;
  onChange: (leader: boolean) => void;
}

export class LeaderElection {
  private consumer: Consumer | undefined;
  private leading = false;
  private stopped = false;

  constructor(private readonly opts: LeaderOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  private set(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.opts.logger.info(
      { source: this.opts.source, leader: leading },
      leading ? 'became the active poller' : 'no longer the active poller',
    );
    this.opts.onChange(leading);
  }

  async start(): Promise<void> {
    if (this.stopped) return;
    const { kafka, stateTopic, groupId, sessionTimeoutMs } = this.opts;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: sessionTimeoutMs,
      rebalanceTimeout: Math.max(sessionTimeoutMs, 10_000),
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeoutMs / 6)),
      maxWaitTimeInMs: Math.min(1000, Math.floor(sessionTimeoutMs / 4)),
      allowAutoTopicCreation: false,
      partitionAssigners: [stickyLeaderAssigner(() => this.leading)],
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      const parts = e.payload.memberAssignment[stateTopic] ?? [];
      this.set(parts.includes(0));
    });
    // A crash of the consumer (lost coordinator, fatal error) means we can no longer prove leadership.
    consumer.on(consumer.events.CRASH, () => this.set(false));
    // And one kafkajs does not restart would leave this poller out of the election for good.
    restartWhenGivenUp(consumer, {
      logger: this.opts.logger,
      name: `leader-${this.opts.source}`,
      stopped: () => this.stopped,
      restart: () => this.start(),
    });
    consumer.on(consumer.events.STOP, () => this.set(false));
    await consumer.connect();
    await consumer.subscribe({ topic: stateTopic, fromBeginning: false });
    // Messages are irrelevant: the run loop exists to heartbeat and hold the assignment.
    await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.set(false);
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
