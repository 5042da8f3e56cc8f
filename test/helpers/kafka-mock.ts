import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { ProcessGroup } from './processes';

export interface KafkaMock {
  readonly bootstrap: string;
  readonly process: ChildProcess;
}

/**
 * librdkafka's mock cluster (real Kafka-protocol brokers: groups, rebalances, idempotent produce)
 * through Debian's kcat: `kcat -X test.mock.num.brokers=N ... -d mock` prints its bootstrap
 * addresses on stderr.
 */
export function startKafkaMock(group: ProcessGroup, topic: string, brokers = 1): Promise<KafkaMock> {
  const child = group.spawn('kcat', ['-X', `test.mock.num.brokers=${brokers}`, '-b', 'mock:1', '-C', '-t', topic, '-d', 'mock']);
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`kcat mock cluster printed no bootstrap address: ${stderr.slice(-500)}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
      const match = /bootstrap\.servers=([0-9.]+:\d+(?:,[0-9.]+:\d+)*)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve({ bootstrap: match[1], process: child });
      }
    });
    child.once('error', (error) => reject(new Error(`cannot run kcat (install Debian's kcat): ${error.message}`)));
  });
}

export interface KafkaRecord {
  readonly partition: number;
  readonly key: string;
  readonly value: string;
}

/**
 * Reads every message of `topic` from the beginning with a second, independent client (kcat as a
 * librdkafka consumer) and exits at the end of the partitions.
 */
export function readTopic(bootstrap: string, topic: string): Promise<KafkaRecord[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p\t%k\t%s\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat consumer exited ${String(code)}: ${err.slice(-500)}`));
      const records = out
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => {
          const [partition, key, ...value] = line.split('\t');
          return { partition: Number(partition), key: key ?? '', value: value.join('\t') };
        });
      resolve(records);
    });
  });
}
