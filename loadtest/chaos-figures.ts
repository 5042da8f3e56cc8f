import type { ChaosPlan } from './chaos-plan';
import { median, outageResults, sequenceHoles, type OutageRecord, type OutageResult, type StatusChange } from './chaos-report';

/** Every camera streaming again within this long of its source's return: the 30 s backoff cap plus one attempt. */
export const RECOVERY_TARGET_S = 35;

export interface ChaosInput {
  readonly args: { cameras: number; minutes: number; seed: number; fps: number };
  readonly plan: ChaosPlan;
  readonly records: readonly OutageRecord[];
  readonly changes: readonly StatusChange[];
  readonly sequences: readonly number[];
  readonly wsIds: ReadonlySet<string>;
  readonly kafkaIds: readonly string[];
  readonly controls: readonly string[];
  readonly drained: boolean;
  readonly brokerBacklogPeak: number;
  readonly rssStart: { gateway: number; decoders: number };
  readonly rssEnd: { gateway: number; decoders: number };
  readonly leftovers: readonly string[];
}

export interface ChaosFigures {
  readonly args: ChaosInput['args'];
  readonly outages: readonly OutageResult[];
  readonly recovery: { readonly interrupted: number; readonly medianSeconds: number; readonly maxSeconds: number; readonly neverRecovered: number; readonly overTarget: number };
  readonly brokerFreezes: readonly { at: number; durationMs: number }[];
  readonly brokerBacklogPeak: number;
  readonly events: { readonly websocket: number; readonly websocketHoles: number; readonly kafkaMessages: number; readonly kafkaDistinct: number; readonly missingFromKafka: number; readonly kafkaDrained: boolean; readonly controlMessages: readonly string[] };
  readonly rss: { readonly startMb: number; readonly endMb: number; readonly decodersStartMb: number; readonly decodersEndMb: number };
  readonly leftovers: readonly string[];
  readonly targetsMet: boolean;
}

/** The chaos run's figures and whether it met its targets. Pure. */
export function chaosFigures(input: ChaosInput): ChaosFigures {
  const outages = outageResults(input.records, input.changes);
  const timed = outages.filter((o) => o.interrupted && o.recoverySeconds !== null).map((o) => o.recoverySeconds as number);
  const neverRecovered = outages.filter((o) => o.recoverySeconds === null).length;
  const overTarget = timed.filter((s) => s > RECOVERY_TARGET_S).length;
  const kafka = new Set(input.kafkaIds);
  const missingFromKafka = [...input.wsIds].filter((id) => !kafka.has(id)).length;
  const websocketHoles = sequenceHoles(input.sequences);
  return {
    args: input.args,
    outages,
    recovery: { interrupted: outages.filter((o) => o.interrupted).length, medianSeconds: median(timed), maxSeconds: timed.length ? Math.max(...timed) : 0, neverRecovered, overTarget },
    brokerFreezes: input.plan.brokerFreezes,
    brokerBacklogPeak: input.brokerBacklogPeak,
    events: { websocket: input.wsIds.size, websocketHoles, kafkaMessages: input.kafkaIds.length, kafkaDistinct: kafka.size, missingFromKafka, kafkaDrained: input.drained, controlMessages: input.controls },
    rss: { startMb: input.rssStart.gateway, endMb: input.rssEnd.gateway, decodersStartMb: input.rssStart.decoders, decodersEndMb: input.rssEnd.decoders },
    leftovers: input.leftovers,
    targetsMet: neverRecovered === 0 && overTarget === 0 && input.leftovers.length === 0 && missingFromKafka === 0 && websocketHoles === 0,
  };
}

const f = (v: number, digits = 1): string => v.toFixed(digits);

export function formatChaos(r: ChaosFigures): string {
  const rows = r.outages.map((o, i) => `| ${i + 1} | ${o.camera} | ${o.kind} | ${f(o.downSeconds)} | ${o.interrupted ? (o.recoverySeconds === null ? 'never' : f(o.recoverySeconds)) : '— (not interrupted)'} | ${o.path} |`);
  const e = r.events;
  return [
    '',
    `Chaos: ${r.args.cameras} RTSP camera(s) at ${r.args.fps} fps with recognition, ${r.args.minutes} min, seed ${r.args.seed} (npm run chaos -- --cameras ${r.args.cameras} --minutes ${r.args.minutes} --seed ${r.args.seed})`,
    '',
    '| # | camera | outage | source down (s) | streaming again after its return (s) | states |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    '| figure | value | target |',
    '| --- | --- | --- |',
    `| outages / cameras interrupted | ${r.outages.length} / ${r.recovery.interrupted} | |`,
    `| recovery after the source returned: median / max | ${f(r.recovery.medianSeconds)} / ${f(r.recovery.maxSeconds)} s | max ≤ 35 s |`,
    `| cameras never streaming again / over 35 s | ${r.recovery.neverRecovered} / ${r.recovery.overTarget} | 0 / 0 |`,
    `| broker freezes | ${r.brokerFreezes.map((b) => `${f(b.durationMs / 1000, 0)} s at ${f(b.at / 60_000)} min`).join(', ') || 'none'}; Kafka backlog peak ${r.brokerBacklogPeak} events | |`,
    `| events on the WebSocket / holes in its sequence | ${e.websocket} / ${e.websocketHoles} | holes 0 |`,
    `| Kafka messages (distinct) / WebSocket events missing from Kafka | ${e.kafkaMessages} (${e.kafkaDistinct}) / ${e.missingFromKafka} | missing 0 |`,
    `| Kafka journal drained before stop | ${e.kafkaDrained ? 'yes' : 'no'} | yes |`,
    `| gateway RSS start / end | ${f(r.rss.startMb, 0)} / ${f(r.rss.endMb, 0)} MB (decoders ${f(r.rss.decodersStartMb, 0)} / ${f(r.rss.decodersEndMb, 0)} MB) | |`,
    `| orphan processes after stop | ${r.leftovers.length === 0 ? 'none' : r.leftovers.join(', ')} | none |`,
    `| WebSocket control messages | ${e.controlMessages.length === 0 ? 'none' : e.controlMessages.join(', ')} | |`,
    `| targets met | ${r.targetsMet ? 'yes' : 'NO'} | |`,
  ].join('\n');
}
