import type { InferenceSuiteResult } from './inference-suite';
import type { Cost } from './inference-cost';
import type { SweepPoint } from './inference-sweep';
import { f1, f2, table } from './report-format';

/** Cameras whose analysed fps reach this share of the demand count as served. */
const SERVED = 0.95;

function costRow(label: string, c: Cost, bare: Cost): string[] {
  return [label, f2(c.wallMs), f2(c.cpuMs), `${f2(c.cpuMs / bare.cpuMs)}x`, String(c.count)];
}

function sweepRows(points: readonly SweepPoint[], unit: string): string[] {
  return table([
    ['batch', `pool ${unit}/s`, 'mean batch formed', 'pool CPU ms each', `bare model ${unit}/s`, 'bare CPU ms each', 'model wall ms each (worker)', 'others CPU %'],
    ...points.map((p) => [
      String(p.batch),
      f1(p.perSecond),
      f2(p.meanBatch),
      f2((p.cpuPercent * 10) / p.perSecond),
      f1(p.barePerSecond),
      f2((p.bareCpuPercent * 10) / p.barePerSecond),
      f2(p.modelMsPerImage),
      f1(p.otherCpuPercent),
    ]),
  ]);
}

export function formatInferenceSuite(r: InferenceSuiteResult): string[] {
  const c = r.cost;
  const onCpu = r.executionProvider === 'cpu';
  const served = r.camerasSweep.filter((p) => p.analysedFps >= SERVED * p.demandFps).map((p) => p.cameras);
  return [
    `Inference on ${r.executionProvider} (requested ${r.requestedProvider})${onCpu && r.requestedProvider !== 'cpu' ? ` - no GPU provider loaded${r.fallbackReason ? ` (${r.fallbackReason})` : ''}; these are CPU figures` : ''}`,
    '',
    'Per-frame detector cost, 640x360 frames, one frame in flight, detection only (CPU = every thread of the bench process)',
    ...table([
      ['', 'wall ms', 'CPU ms', 'CPU vs bare', 'frames'],
      costRow('bare session.run, same input', c.bareRun, c.bareRun),
      costRow('preprocessing alone (letterbox + normalise)', c.preprocess, c.bareRun),
      costRow('decode + NMS alone', c.decode, c.bareRun),
      costRow('pool.detect (the gateway\'s path)', c.pool, c.bareRun),
    ]),
    `  inside the worker, per frame: preprocess ${f2(c.worker.preprocessMs)} ms, model ${f2(c.worker.modelMs)} ms, decode ${f2(c.worker.decodeMs)} ms, whole task ${f2(c.worker.totalMs)} ms; outside it (transfer, scheduling) ${f2(c.pool.wallMs - c.worker.totalMs)} ms wall`,
    `  queue wait of that lone camera's frames: ${f2(c.queuedMs)} ms on average (an idle pool sends a frame at once)`,
    `  analysis (landmarks, alignment, quality, liveness): ${f2(c.analysisPerFaceMs)} ms of worker time per face, ${f2(c.facesPerFrame)} faces per frame`,
    `  CPU used by other processes meanwhile: ${f1(c.otherCpuPercent)} %`,
    '',
    `Detector throughput against batch size (${r.workers} worker(s), enough cameras to fill every batch)`,
    ...sweepRows(r.sweep.detector, 'frames'),
    '',
    'Embedding throughput against batch size (faces per batch)',
    ...sweepRows(r.sweep.embedding, 'faces'),
    ...(r.camerasSweep.length === 0
      ? []
      : [
          '',
          `End to end, recognition on: cameras served (analysed >= ${SERVED * 100} % of 5 fps each): ${served.length > 0 ? Math.max(...served) : 'none'} of those tried`,
          ...table([
            ['cameras', 'demand fps', 'analysed fps', 'embeddings/s', 'latency p50 ms', 'gateway CPU %', 'others CPU %'],
            ...r.camerasSweep.map((p) => [String(p.cameras), String(p.demandFps), f2(p.analysedFps), f2(p.embeddingsPerSecond), f1(p.latencyP50Ms), f1(p.gatewayCpuPercent), f1(p.otherCpuPercent)]),
          ]),
        ]),
  ];
}
