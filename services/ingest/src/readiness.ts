import { registryHeaders, type Kafka, type RegistryAuth } from '@siaghsync/shared/kafka/index';

// /ready answers from real checks: the broker answers a metadata request and the registry answers
// an HTTP request. Results are cached briefly and computed one at a time, so a probe storm cannot
// turn into a connection storm against Kafka.

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, 'ok' | 'failing'>;
}

export interface ReadinessOptions {
  kafka: Kafka;
  registryUrl: string;
  registryAuth?: RegistryAuth | undefined;
  producerReady: () => boolean;
  shuttingDown: () => boolean;
  timeoutMs?: number;
  cacheMs?: number;
}

async function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function createReadiness(opts: ReadinessOptions): () => Promise<ReadinessReport> {
  const timeoutMs = opts.timeoutMs ?? 1500;
  const cacheMs = opts.cacheMs ?? 1000;
  let last: { at: number; report: ReadinessReport } | undefined;
  let running: Promise<ReadinessReport> | undefined;

  const kafkaOk = async (): Promise<boolean> => {
    const admin = opts.kafka.admin({ retry: { retries: 0 } });
    try {
      await within(
        (async () => {
          await admin.connect();
          await admin.describeCluster();
        })(),
        timeoutMs,
      );
      return true;
    } catch {
      return false;
    } finally {
      void admin.disconnect().catch(() => undefined);
    }
  };

  const registryOk = async (): Promise<boolean> => {
    try {
      const res = await fetch(`${opts.registryUrl}/config`, {
        headers: registryHeaders(opts.registryAuth),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };

  const check = async (): Promise<ReadinessReport> => {
    const [kafka, registry] = await Promise.all([kafkaOk(), registryOk()]);
    const producer = opts.producerReady();
    const accepting = !opts.shuttingDown();
    const checks = {
      kafka: kafka ? 'ok' : 'failing',
      registry: registry ? 'ok' : 'failing',
      producer: producer ? 'ok' : 'failing',
      accepting: accepting ? 'ok' : 'failing',
    } as const;
    return { ready: kafka && registry && producer && accepting, checks };
  };

  return async () => {
    if (opts.shuttingDown()) return { ready: false, checks: { accepting: 'failing' } };
    if (last && Date.now() - last.at < cacheMs) return last.report;
    running ??= check().finally(() => (running = undefined));
    const report = await running;
    last = { at: Date.now(), report };
    return report;
  };
}
