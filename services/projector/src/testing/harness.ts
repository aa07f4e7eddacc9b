import { MongoClient, type Db } from 'mongodb';
import { createKafka } from '@siaghsync/shared/kafka/index';
import { createLogger } from '@siaghsync/shared/logger';
import { requireEnv, uniqueName } from '../../../../test/harness/names';
import { loadConfig, type ProjectorConfig } from '../config';
import { LogWriter } from './produce';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';
export const READ_TOKEN = 'test-read-token-0123456789';
/** Signs the operator events the projector sends (the syncer's test key: services/syncer/test/harness.ts). */
export const OPERATOR_EVENT_KEY = 'test-operator-event-key-0123456789abcdef';
/** What every read of the API sends. */
export const readAuth = { Authorization: `Bearer ${READ_TOKEN}` };
export const quietLogger = () =>
  createLogger({ service: 'projector-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A projector config on the real stack with this test's own topics, group and database. */
export function testConfig(label: string, extra: Record<string, string> = {}): ProjectorConfig {
  const cfg = loadConfig({
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    SCHEMA_REGISTRY_URL: requireEnv('SCHEMA_REGISTRY_URL'),
    MONGODB_URI: requireEnv('MONGODB_URI'),
    TOPIC_PREFIX: `${uniqueName(label)}.`,
    PROJECTOR_DB: uniqueName(label).replace(/[^a-zA-Z0-9_-]/g, '_'),
    PROJECTOR_GROUP_ID: uniqueName(`${label}-grp`),
    PROJECTOR_PORT: '1',
    OPERATOR_TOKEN,
    OPERATOR_EVENT_KEY,
    PROJECTOR_READ_TOKEN: READ_TOKEN,
    LOG_LEVEL: 'silent',
    ...extra,
  });
  // Port 0 (any free port) is not a valid PROJECTOR_PORT for operators, only for tests.
  return { ...cfg, PROJECTOR_PORT: 0, PROJECTOR_LAG_GROUP_PREFIX: cfg.PROJECTOR_GROUP_ID };
}

export async function openWriter(cfg: ProjectorConfig): Promise<LogWriter> {
  const kafka = createKafka({
    brokers: cfg.KAFKA_BROKERS,
    clientId: 'projector-test-writer',
    logger: quietLogger(),
  });
  return LogWriter.open(kafka, cfg.SCHEMA_REGISTRY_URL, cfg.TOPIC_PREFIX);
}

export async function openDb(cfg: ProjectorConfig): Promise<{ db: Db; close: () => Promise<void> }> {
  const client = await MongoClient.connect(cfg.MONGODB_URI);
  const db = client.db(cfg.PROJECTOR_DB);
  return { db, close: () => client.close() };
}

export async function eventually<T>(
  fn: () => Promise<T>,
  ok: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch {
      /* not yet */
    }
    if (Date.now() > end)
      throw new Error(
        `condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 500)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A GET (or `init`) with the read token unless `init` sets headers of its own. */
export async function getJson<T = unknown>(
  url: string,
  init: RequestInit = { headers: readAuth },
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
