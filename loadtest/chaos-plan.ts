/** One thing done to a source: killed (SIGKILL, restarted later) or frozen (SIGSTOP, thawed later). */
export interface SourceOutage {
  readonly camera: string;
  readonly kind: 'kill' | 'freeze';
  /** ms from the start of the chaos. */
  readonly at: number;
  readonly durationMs: number;
}

/** The Kafka broker frozen (SIGSTOP on the mock cluster) and thawed. */
export interface BrokerFreeze {
  readonly at: number;
  readonly durationMs: number;
}

export interface ChaosPlan {
  readonly outages: readonly SourceOutage[];
  readonly brokerFreezes: readonly BrokerFreeze[];
}

export interface ChaosPlanOptions {
  readonly cameras: readonly string[];
  readonly minutes: number;
  readonly seed: number;
  /** Time left after a source returns for its camera to stream again, before anything else happens to it. */
  readonly recoveryBudgetMs?: number;
}

/** mulberry32: a small seeded generator, so a run's schedule can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The schedule of a chaos run, from its seed. Per camera, one outage after another at random:
 * killed (3-40 s) or frozen (5-40 s; a freeze longer than the stall timeout makes the gateway
 * reconnect, a short one does not), each followed by the recovery budget (the 30 s backoff cap
 * plus one attempt) before the next, so every recovery can be timed on its own. The broker is
 * frozen twice (20-40 s), at about a third and two thirds of the run. Nothing starts in the last
 * minute, so the run ends with every source back. Pure.
 */
export function planChaos(options: ChaosPlanOptions): ChaosPlan {
  const random = seededRandom(options.seed);
  const between = (lo: number, hi: number): number => Math.round(lo + random() * (hi - lo));
  const total = options.minutes * 60_000;
  const budget = options.recoveryBudgetMs ?? 40_000;
  const outages: SourceOutage[] = [];
  for (const camera of options.cameras) {
    let at = between(10_000, 40_000);
    for (;;) {
      const kind = random() < 0.6 ? 'kill' : 'freeze';
      const durationMs = kind === 'kill' ? between(3_000, 40_000) : between(5_000, 40_000);
      if (at + durationMs + budget > total - 60_000) break;
      outages.push({ camera, kind, at, durationMs });
      at += durationMs + budget + between(0, 30_000);
    }
  }
  outages.sort((a, b) => a.at - b.at);
  const brokerFreezes: BrokerFreeze[] = total >= 4 * 60_000 ? [0.33, 0.66].map((share) => ({ at: Math.round(total * share), durationMs: between(20_000, 40_000) })) : [];
  return { outages, brokerFreezes };
}
