/**
 * server.properties of one KRaft node (broker and controller in one process), for the stack's single
 * broker, its three-broker cluster and the tests' secured broker. Pure: the caller writes the file
 * and formats the storage.
 */
export type Protocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

export interface Listener {
  name: string;
  port: number;
  protocol: Protocol;
}

export interface KafkaNodeSpec {
  nodeId: number;
  dataDir: string;
  /** Every controller of the quorum, this node's included. */
  voters: readonly { id: number; port: number }[];
  listeners: readonly Listener[];
  /** The listener brokers replicate over (a plaintext one on loopback, so it needs no credentials). */
  interBroker: string;
  /** Copies of Kafka's own topics (offsets, transactions) and their min ISR. */
  replication: { factor: number; minIsr: number };
  /** Users of SASL/PLAIN by name, with their passwords. SCRAM users are created at format time. */
  plainUsers?: Readonly<Record<string, string>>;
  /** A PEM file with the broker's private key and certificate chain, for SSL and SASL_SSL listeners. */
  keystorePem?: string;
}

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

const jaasQuote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function nodeProperties(spec: KafkaNodeSpec): string {
  const me = spec.voters.find((v) => v.id === spec.nodeId);
  if (!me) throw new Error(`node ${spec.nodeId} is not among the voters`);
  const listeners = [
    ...spec.listeners,
    { name: 'CONTROLLER', port: me.port, protocol: 'PLAINTEXT' as const },
  ];
  const lines = [
    'process.roles=broker,controller',
    `node.id=${spec.nodeId}`,
    `controller.quorum.voters=${spec.voters.map((v) => `${v.id}@127.0.0.1:${v.port}`).join(',')}`,
    `listeners=${listeners.map((l) => `${l.name}://127.0.0.1:${l.port}`).join(',')}`,
    `advertised.listeners=${spec.listeners.map((l) => `${l.name}://127.0.0.1:${l.port}`).join(',')}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=${listeners.map((l) => `${l.name}:${l.protocol}`).join(',')}`,
    `inter.broker.listener.name=${spec.interBroker}`,
    `log.dirs=${spec.dataDir}`,
    'num.partitions=1',
    `default.replication.factor=${spec.replication.factor}`,
    `min.insync.replicas=${spec.replication.minIsr}`,
    `offsets.topic.replication.factor=${spec.replication.factor}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${spec.replication.factor}`,
    `transaction.state.log.min.isr=${spec.replication.minIsr}`,
    'transaction.state.log.num.partitions=10',
    // Topics are created by our code with their settings, never implicitly by a produce or a fetch.
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'log.cleaner.backoff.ms=5000',
  ];
  const sasl = spec.listeners.filter((l) => l.protocol.startsWith('SASL_'));
  if (sasl.length > 0) lines.push(`sasl.enabled.mechanisms=${SASL_MECHANISMS.join(',')}`);
  for (const l of sasl) {
    const prefix = `listener.name.${l.name.toLowerCase()}`;
    const users = Object.entries(spec.plainUsers ?? {})
      .map(([u, p]) => ` user_${u}=${jaasQuote(p)}`)
      .join('');
    lines.push(
      `${prefix}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required${users};`,
    );
    for (const m of ['scram-sha-256', 'scram-sha-512'])
      lines.push(
        `${prefix}.${m}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
      );
  }
  if (spec.listeners.some((l) => l.protocol === 'SSL' || l.protocol === 'SASL_SSL')) {
    if (!spec.keystorePem) throw new Error('an SSL listener needs keystorePem');
    lines.push('ssl.keystore.type=PEM', `ssl.keystore.location=${spec.keystorePem}`);
  }
  return lines.join('\n') + '\n';
}

/** `kafka-storage format` arguments that also create SCRAM users (KRaft keeps them in its metadata log). */
export function scramFormatArgs(users: Readonly<Record<string, string>>): string[] {
  return Object.entries(users).flatMap(([u, p]) =>
    ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u},password=${p}]`]),
  );
}
