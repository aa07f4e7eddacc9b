import { nodeProperties, scramFormatArgs } from './nodeProps';

const props = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('KRaft node properties', () => {
  const voters = [1, 2, 3].map((id) => ({ id, port: 9091 + 2 * id }));

  it('a cluster node names every voter, keeps three copies of Kafka topics, two in sync', () => {
    const p = props(
      nodeProperties({
        nodeId: 2,
        dataDir: '/d/2',
        voters,
        listeners: [{ name: 'PLAINTEXT', port: 9094, protocol: 'PLAINTEXT' }],
        interBroker: 'PLAINTEXT',
        replication: { factor: 3, minIsr: 2 },
      }),
    );
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097');
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:9094,CONTROLLER://127.0.0.1:9095');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:9094');
    expect(p['transaction.state.log.min.isr']).toBe('2');
    expect(p['offsets.topic.replication.factor']).toBe('3');
    expect(p['auto.create.topics.enable']).toBe('false');
    expect(p['sasl.enabled.mechanisms']).toBeUndefined();
  });

  it('SASL listeners get PLAIN users and SCRAM, TLS a PEM keystore', () => {
    const p = props(
      nodeProperties({
        nodeId: 1,
        dataDir: '/d',
        voters: [{ id: 1, port: 9093 }],
        listeners: [
          { name: 'SECURE', port: 9094, protocol: 'SASL_SSL' },
          { name: 'INTERNAL', port: 9092, protocol: 'PLAINTEXT' },
        ],
        interBroker: 'INTERNAL',
        replication: { factor: 1, minIsr: 1 },
        plainUsers: { sync: 'pa"ss' },
        keystorePem: '/k.pem',
      }),
    );
    expect(p['listener.security.protocol.map']).toBe(
      'SECURE:SASL_SSL,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    );
    expect(p['listener.name.secure.plain.sasl.jaas.config']).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required user_sync="pa\\"ss";',
    );
    expect(p['listener.name.secure.scram-sha-512.sasl.jaas.config']).toMatch(/ScramLoginModule required;$/);
    expect(p['ssl.keystore.location']).toBe('/k.pem');
  });

  it('refuses a TLS listener without a keystore and a node outside the quorum', () => {
    const base = {
      dataDir: '/d',
      voters: [{ id: 1, port: 9093 }],
      interBroker: 'INTERNAL',
      replication: { factor: 1, minIsr: 1 },
    };
    expect(() =>
      nodeProperties({ ...base, nodeId: 1, listeners: [{ name: 'S', port: 1, protocol: 'SSL' }] }),
    ).toThrow(/keystorePem/);
    expect(() => nodeProperties({ ...base, nodeId: 4, listeners: [] })).toThrow(/not among the voters/);
  });

  it('SCRAM users are created at format time for both hashes', () => {
    expect(scramFormatArgs({ a: 'x' })).toEqual([
      '--add-scram',
      'SCRAM-SHA-256=[name=a,password=x]',
      '--add-scram',
      'SCRAM-SHA-512=[name=a,password=x]',
    ]);
  });
});
