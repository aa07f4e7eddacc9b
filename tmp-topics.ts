import { Kafka, logLevel } from 'kafkajs';
const k = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
const a = k.admin(); await a.connect();
const t = (await a.listTopics()).filter((x) => x.startsWith('benchimport') && x.endsWith('.changes'));
console.log(t.sort().slice(-3).join('\n')); await a.disconnect();
