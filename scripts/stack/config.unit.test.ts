import path from 'node:path';
import { ConfigError } from '../../shared/src/config';
import { clientEndpoints, kafkaPorts, loadStackConfig } from './config';

describe('stack configuration', () => {
  it('has documented defaults on 127.0.0.1', () => {
    const cfg = loadStackConfig({ STACK_DIR: '/tmp/siaghsync-stack-defaults' });
    expect(clientEndpoints(cfg)).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/siaghsync',
    });
    expect(cfg.KAFKA_HEAP).toBe('1g');
  });

  it('honours ports and folders from the environment', () => {
    const cfg = loadStackConfig({ KAFKA_PORT: '19092', MONGODB_PORT: '27018', STACK_DIR: '/tmp/s1' });
    expect(clientEndpoints(cfg).KAFKA_BROKERS).toBe('127.0.0.1:19092');
    expect(clientEndpoints(cfg).MONGODB_URI).toBe('mongodb://127.0.0.1:27018/siaghsync');
    expect(cfg.pidDir).toBe(path.join('/tmp/s1', 'pids'));
  });

  it('a three-broker cluster lists every node, ports two apart', () => {
    const cfg = loadStackConfig({ STACK_DIR: '/tmp/s3', STACK_KAFKA_BROKERS: '3' });
    expect(clientEndpoints(cfg).KAFKA_BROKERS).toBe('127.0.0.1:9092,127.0.0.1:9094,127.0.0.1:9096');
    expect(kafkaPorts(cfg, 3)).toEqual({ client: 9096, controller: 9097 });
  });

  it('refuses a bad value with the variable name', () => {
    expect(() => loadStackConfig({ KAFKA_PORT: 'abc', KAFKA_HEAP: 'lots' })).toThrow(ConfigError);
    expect(() => loadStackConfig({ KAFKA_HEAP: 'lots' })).toThrow(/KAFKA_HEAP/);
  });
});
