import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { soakFigures } from '../../../loadtest/soak-report';
import type { MemorySample } from '../../../loadtest/memory-samples';

/** A sample every 10 s; RSS from `rss(t)`, of which `file` MB are file pages. */
function samples(minutes: number, rss: (t: number) => number, file = 40): MemorySample[] {
  const out: MemorySample[] = [];
  for (let t = 0; t <= minutes * 60; t += 10) {
    const total = rss(t);
    out.push({ t, gatewayRssMb: total, gatewayAnonMb: total - file, gatewayFileMb: file, childrenRssMb: 0, childrenPssMb: 0, children: 0, heapUsedMb: 0, heapTotalMb: 0, externalMb: 0, tracks: t, framesAnalyzed: 0, cpuPercent: 0, machineCpuPercent: 0, loadAverage: 0 });
  }
  return out;
}

describe('soak figures', () => {
  it('growth from minute means is not fooled by a garbage-collection trough at the settle sample', () => {
    // Flat at 700 MB, with a 60 MB trough exactly at 10 minutes.
    const figures = soakFigures({ cameras: 8, minutes: 60, fps: 3 }, samples(60, (t) => (t === 600 ? 640 : 700)), 0, []);
    assert.ok(figures.growthAfterSettlePercent > 9, 'the single sample says ~9 %');
    assert.ok(Math.abs(figures.minuteMeans.rssGrowthPercent - 1.5) < 0.1, `one trough in six samples: ${figures.minuteMeans.rssGrowthPercent}`);
  });

  it('splits anonymous memory from file pages', () => {
    // Grows 1 MB a minute, all of it file pages from minute 10 on (a memory-mapped file paged in).
    const rows = samples(60, (t) => 700 + Math.max(0, t - 600) / 60, 40).map((s) => ({ ...s, gatewayAnonMb: 660, gatewayFileMb: s.gatewayRssMb - 660 }));
    const { minuteMeans } = soakFigures({ cameras: 8, minutes: 60, fps: 3 }, rows, 0, []);
    assert.equal(minuteMeans.anonGrowthPercent, 0);
    assert.ok(minuteMeans.fileEnd - minuteMeans.fileAtSettle > 45);
    assert.ok(minuteMeans.rssGrowthPercent > 6);
  });
});
