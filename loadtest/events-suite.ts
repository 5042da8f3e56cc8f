import { spawnSync } from 'node:child_process';
import { formatEventsBench, runEventsBench, type EventsBenchResult } from './events-bench';

export type EventsSuiteResult = EventsBenchResult | { readonly skipped: string };

/** Why kcat cannot run here, or undefined when it can (the Kafka half needs librdkafka's mock cluster). */
function kcatMissing(): string | undefined {
  const probe = spawnSync('kcat', ['-V'], { stdio: 'ignore', timeout: 10_000 });
  if (probe.error) return `kcat not found (${probe.error.message}); install the Debian package: apt-get install kcat`;
  return undefined;
}

/**
 * The events suite with runEventsBench's defaults (50,000 events into Kafka, 1,000 WebSocket
 * subscribers). Without kcat the whole suite is skipped, loudly: never a silent gap in the report.
 */
export async function runEventsSuite(log: (line: string) => void): Promise<EventsSuiteResult> {
  const missing = kcatMissing();
  if (missing !== undefined) {
    log(`Events suite SKIPPED: ${missing}`);
    return { skipped: missing };
  }
  log('Events suite: Kafka (librdkafka mock cluster via kcat), then WebSocket fan-out to 1,000 subscribers');
  return runEventsBench({ log: (line) => log(line) });
}

export function formatEventsSuite(result: EventsSuiteResult): string[] {
  if ('skipped' in result && !('websocket' in result)) return ['Events suite', `  SKIPPED: ${result.skipped}`];
  return ['Events suite (runEventsBench defaults)', ...formatEventsBench(result as EventsBenchResult).split('\n').map((line) => `  ${line}`)];
}
