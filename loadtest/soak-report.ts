import { sampleAt, slope, type MemorySample } from './memory-samples';

export interface SoakFigures {
  readonly cameras: number;
  readonly minutes: number;
  readonly fps: number;
  readonly samples: number;
  /** Gateway RSS (MB) at 1 minute, at 10 minutes (or a third of the run when shorter), at the end. */
  readonly rss: { readonly at1: number; readonly atSettle: number; readonly end: number; readonly peak: number };
  readonly settleMinute: number;
  /** (end - atSettle) / atSettle, percent: the target is at most 5 over an hour with 8 cameras. */
  readonly growthAfterSettlePercent: number;
  /**
   * The same from the mean of the minute after the settle point and of the last minute: a single
   * sample can fall in a garbage collection's trough or peak (tens of MB apart). Also for the
   * anonymous part of RSS alone (heaps and arenas, without file pages such as libraries).
   */
  readonly minuteMeans: { readonly rssAtSettle: number; readonly rssEnd: number; readonly rssGrowthPercent: number; readonly anonAtSettle: number; readonly anonEnd: number; readonly anonGrowthPercent: number; readonly fileAtSettle: number; readonly fileEnd: number };
  /** Least-squares slopes after the settle point, MB per minute. */
  readonly slopes: { readonly gatewayRss: number; readonly heapUsed: number; readonly external: number; readonly decoders: number; readonly decodersPss: number };
  readonly decodersRss: { readonly atSettle: number; readonly end: number };
  readonly decodersPss: { readonly atSettle: number; readonly end: number };
  readonly heapUsed: { readonly atSettle: number; readonly end: number };
  readonly tracksFinished: number;
  /** Gateway RSS slope after settling over tracks per minute: bytes kept per track, if anything. */
  readonly bytesPerTrack: number;
  readonly events: number;
  readonly load: { readonly gatewayCpuPercent: number; readonly machineCpuPercent: number; readonly loadAverage: number };
  readonly leftovers: readonly string[];
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** The soak's figures from its samples. Pure. */
export function soakFigures(args: { cameras: number; minutes: number; fps: number }, samples: readonly MemorySample[], events: number, leftovers: readonly string[]): SoakFigures {
  const settleMinute = Math.min(10, Math.max(1, Math.floor(args.minutes / 3)));
  const settle = sampleAt(samples, settleMinute * 60);
  const last = samples.at(-1);
  const after = samples.filter((s) => s.t >= settleMinute * 60);
  const perMinute = (pick: (s: MemorySample) => number): number => slope(after.map((s) => ({ x: s.t / 60, y: pick(s) })));
  const tracksPerMinute = perMinute((s) => s.tracks);
  const rssSlope = perMinute((s) => s.gatewayRssMb);
  const busy = samples.slice(1);
  const end = last?.t ?? 0;
  const meanOf = (from: number, pick: (s: MemorySample) => number): number => mean(samples.filter((s) => s.t >= from && s.t < from + 60).map(pick));
  const settleT = settleMinute * 60;
  const endT = Math.max(settleT, end - 59);
  const growth = (a: number, b: number): number => (a > 0 ? ((b - a) / a) * 100 : 0);
  const rssAtSettle = meanOf(settleT, (s) => s.gatewayRssMb);
  const rssEnd = meanOf(endT, (s) => s.gatewayRssMb);
  const anonAtSettle = meanOf(settleT, (s) => s.gatewayAnonMb);
  const anonEnd = meanOf(endT, (s) => s.gatewayAnonMb);
  return {
    ...args,
    samples: samples.length,
    rss: { at1: sampleAt(samples, 60)?.gatewayRssMb ?? 0, atSettle: settle?.gatewayRssMb ?? 0, end: last?.gatewayRssMb ?? 0, peak: Math.max(0, ...samples.map((s) => s.gatewayRssMb)) },
    settleMinute,
    growthAfterSettlePercent: settle && last ? growth(settle.gatewayRssMb, last.gatewayRssMb) : 0,
    minuteMeans: {
      rssAtSettle, rssEnd, rssGrowthPercent: growth(rssAtSettle, rssEnd),
      anonAtSettle, anonEnd, anonGrowthPercent: growth(anonAtSettle, anonEnd),
      fileAtSettle: meanOf(settleT, (s) => s.gatewayFileMb), fileEnd: meanOf(endT, (s) => s.gatewayFileMb),
    },
    slopes: { gatewayRss: rssSlope, heapUsed: perMinute((s) => s.heapUsedMb), external: perMinute((s) => s.externalMb), decoders: perMinute((s) => s.childrenRssMb), decodersPss: perMinute((s) => s.childrenPssMb) },
    decodersRss: { atSettle: settle?.childrenRssMb ?? 0, end: last?.childrenRssMb ?? 0 },
    decodersPss: { atSettle: settle?.childrenPssMb ?? 0, end: last?.childrenPssMb ?? 0 },
    heapUsed: { atSettle: settle?.heapUsedMb ?? 0, end: last?.heapUsedMb ?? 0 },
    tracksFinished: last?.tracks ?? 0,
    bytesPerTrack: tracksPerMinute > 0 ? (rssSlope * 1024 * 1024) / tracksPerMinute : 0,
    events,
    load: { gatewayCpuPercent: mean(busy.map((s) => s.cpuPercent)), machineCpuPercent: mean(busy.map((s) => s.machineCpuPercent)), loadAverage: mean(samples.map((s) => s.loadAverage)) },
    leftovers,
  };
}

const f = (v: number, digits = 1): string => v.toFixed(digits);

export function formatSoak(r: SoakFigures): string {
  return [
    '',
    `Soak: ${r.cameras} RTSP camera(s) at ${r.fps} fps with recognition, ${r.minutes} min, ${r.samples} samples`,
    `| figure | value |`,
    `| --- | --- |`,
    `| gateway RSS at 1 min / ${r.settleMinute} min / end / peak | ${f(r.rss.at1, 0)} / ${f(r.rss.atSettle, 0)} / ${f(r.rss.end, 0)} / ${f(r.rss.peak, 0)} MB |`,
    `| gateway RSS growth after ${r.settleMinute} min | ${f(r.growthAfterSettlePercent)} % (slope ${f(r.slopes.gatewayRss, 2)} MB/min) |`,
    `| gateway RSS, mean of minute ${r.settleMinute}-${r.settleMinute + 1} / of the last minute | ${f(r.minuteMeans.rssAtSettle, 0)} / ${f(r.minuteMeans.rssEnd, 0)} MB: ${f(r.minuteMeans.rssGrowthPercent)} % |`,
    `| of which anonymous (heaps, arenas) / file pages (libraries, anything mapped), same minutes | ${f(r.minuteMeans.anonAtSettle, 0)} -> ${f(r.minuteMeans.anonEnd, 0)} MB (${f(r.minuteMeans.anonGrowthPercent)} %) / ${f(r.minuteMeans.fileAtSettle, 0)} -> ${f(r.minuteMeans.fileEnd, 0)} MB |`,
    `| JS heap used at ${r.settleMinute} min / end | ${f(r.heapUsed.atSettle, 0)} / ${f(r.heapUsed.end, 0)} MB (slope ${f(r.slopes.heapUsed, 2)} MB/min; external ${f(r.slopes.external, 2)} MB/min) |`,
    `| decoder processes RSS at ${r.settleMinute} min / end | ${f(r.decodersRss.atSettle, 0)} / ${f(r.decodersRss.end, 0)} MB (slope ${f(r.slopes.decoders, 2)} MB/min) |`,
    `| decoder processes PSS (shared libraries counted once) at ${r.settleMinute} min / end | ${f(r.decodersPss.atSettle, 0)} / ${f(r.decodersPss.end, 0)} MB (slope ${f(r.slopes.decodersPss, 2)} MB/min) |`,
    `| tracks started / events received | ${r.tracksFinished} / ${r.events} |`,
    `| RSS kept per track after ${r.settleMinute} min | ${f(r.bytesPerTrack / 1024)} KB |`,
    `| gateway tree CPU / machine busy / load average (mean) | ${f(r.load.gatewayCpuPercent, 0)} % / ${f(r.load.machineCpuPercent, 0)} % / ${f(r.load.loadAverage)} |`,
    `| processes left after stop | ${r.leftovers.length === 0 ? 'none' : r.leftovers.join(', ')} |`,
  ].join('\n');
}
