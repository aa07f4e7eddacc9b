import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger';
import type { KafkaConnection } from './connection';

// kafkajs stays behind this module (and its siblings) so it could be replaced without touching services.

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Retries kafkajs made that we log at debug, counted for the services' metrics. */
export const kafkaRetries = { concurrentTransactions: 0 };

/**
 * A transaction begun while the broker still writes the previous one's markers is answered
 * CONCURRENT_TRANSACTIONS, which kafkajs retries itself (and TransactionalSender spaces transactions to
 * make rare). kafkajs logs every such answer at error level; it is an expected retry, so debug.
 */
export function kafkajsLevel(level: number, log: object): 'error' | 'warn' | 'info' | 'debug' {
  const { error, message } = log as { error?: unknown; message?: unknown };
  const text = `${typeof error === 'string' ? error : ''} ${typeof message === 'string' ? message : ''}`;
  if (/concurrent operation on the same transaction/i.test(text)) {
    kafkaRetries.concurrentTransactions++;
    return 'debug';
  }
  return LEVELS[level] ?? 'info';
}

export interface KafkaClientConfig extends KafkaConnection {
  clientId: string;
  logger: Logger;
  /** kafkajs is chatty at info (every group join); we keep warn unless debugging. */
  level?: logLevel;
}

export function createKafka(cfg: KafkaClientConfig): Kafka {
  // We key every message ourselves; the v2 default partitioner is the one we want, so its notice is noise.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const kafkaLogger = cfg.logger.child({ component: 'kafkajs' });
  const config: KafkaConfig = {
    clientId: cfg.clientId,
    brokers: cfg.brokers,
    ...(cfg.ssl !== undefined && { ssl: cfg.ssl }),
    ...(cfg.sasl !== undefined && { sasl: cfg.sasl }),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: cfg.level ?? logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[kafkajsLevel(level, log)]({ namespace, ...extra }, message);
      },
  };
  return new Kafka(config);
}

export { logLevel } from 'kafkajs';
export type {
  Kafka,
  Producer,
  Consumer,
  Admin,
  Batch,
  EachBatchPayload,
  KafkaMessage,
  Transaction,
  TopicMessages,
  Message,
} from 'kafkajs';
