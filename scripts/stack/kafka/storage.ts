import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Kafka's own storage tool, for the stack's nodes and the tests' clusters alike.

/** Kafka runs on the machine's own JDK 17 (JAVA_HOME if set, else `java` on the PATH). */
export function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** A new cluster id; every node of one cluster is formatted with the same. */
export function randomClusterId(libs: string): string {
  return execFileSync(javaBin(), ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'random-uuid'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!
    .trim();
}

/** Formats a node's log directories (named in its properties file); `extra` adds e.g. SCRAM users. */
export function formatStorage(libs: string, clusterId: string, props: string, extra: string[] = []): void {
  execFileSync(
    javaBin(),
    ['-cp', `${libs}/*`, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, ...extra],
    { stdio: 'ignore' },
  );
}
