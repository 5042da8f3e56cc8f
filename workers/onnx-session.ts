import * as ort from 'onnxruntime-node';

/**
 * Opens a model with the configured execution providers, in order. When a provider cannot be used
 * (no CUDA build or no GPU), falls back to CPU and says which one is in use.
 */
export async function openSession(
  modelPath: string,
  providers: readonly ('cuda' | 'cpu')[],
  intraOpThreads: number,
): Promise<{ session: ort.InferenceSession; provider: string; fallbackReason?: string }> {
  const options = (executionProviders: string[]): ort.InferenceSession.SessionOptions => ({
    executionProviders,
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const wanted = [...new Set([...providers])];
  try {
    const session = await ort.InferenceSession.create(modelPath, options(wanted));
    return { session, provider: wanted[0] ?? 'cpu' };
  } catch (error) {
    if (wanted.length === 1 && wanted[0] === 'cpu') throw error;
    const session = await ort.InferenceSession.create(modelPath, options(['cpu']));
    return { session, provider: 'cpu', fallbackReason: (error as Error).message };
  }
}

export { ort };
