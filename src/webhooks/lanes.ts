/**
 * Splits a window of journal entries into lanes by key (the camera), each lane in journal order,
 * lanes in order of their first entry. Lanes run side by side; within a lane one entry at a time,
 * so each camera's events arrive in order while one camera's retries never hold up another's. Pure.
 */
export function lanesOf<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const lane = lanes.get(key);
    if (lane) lane.push(item);
    else lanes.set(key, [item]);
  }
  return [...lanes.values()];
}

/** Runs `work` on every lane, at most `concurrency` lanes at once, each lane's items one after the other. */
export async function runLanes<T>(lanes: readonly (readonly T[])[], concurrency: number, work: (item: T) => Promise<boolean>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const lane = lanes[next++];
      if (!lane) return;
      for (const item of lane) if (!(await work(item))) return;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
}
