import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionProvider, ProviderRequest } from './protocol';

/**
 * The one door to onnxruntime-node. Opens a model with the requested execution providers; a
 * provider that cannot be used is either an error that names the cause or, where CPU fallback
 * is allowed, a CPU session that says why.
 */

/** Shared libraries onnxruntime-node's install script downloads (they are not in the npm tarball). */
const PROVIDER_LIBRARIES: Partial<Record<ExecutionProvider, string>> = {
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
};

function bindingFolder(): string {
  const root = dirname(require.resolve('onnxruntime-node/package.json'));
  return join(root, 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why a provider cannot be tried at all on this install, or null when it can be. */
export function providerMissing(provider: ExecutionProvider): string | null {
  const library = PROVIDER_LIBRARIES[provider];
  if (!library) return null;
  if (process.platform !== 'linux' && process.platform !== 'win32') return `onnxruntime-node has no ${provider} provider for ${process.platform}`;
  if (process.platform === 'linux' && existsSync(join(bindingFolder(), library))) return null;
  if (process.platform === 'win32' && existsSync(join(bindingFolder(), library.replace(/^lib/, '').replace(/\.so$/, '.dll')))) return null;
  return (
    `the ${provider} execution provider is not installed (${library} is missing next to onnxruntime-node's binding): ` +
    'onnxruntime-node downloads it in its install script, which this project skips by default; on a GPU host run ' +
    '`npm run install:cuda` after `npm ci` (see deploy/README.md, "GPU host")'
  );
}

function providerOption(provider: ExecutionProvider, deviceId: number): ort.InferenceSession.ExecutionProviderConfig {
  if (provider === 'cuda' || provider === 'tensorrt') return { name: provider, deviceId };
  return provider;
}

export interface OpenedSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProvider;
  readonly fallbackReason?: string;
}

/** The error a worker raises when the wanted provider cannot be used and CPU fallback is not allowed. */
export class ProviderUnavailable extends Error {
  override readonly name = 'ProviderUnavailable';
}

export async function openSession(modelPath: string, request: ProviderRequest, intraOpThreads: number): Promise<OpenedSession> {
  const options = (providers: readonly ExecutionProvider[]): ort.InferenceSession.SessionOptions => ({
    executionProviders: providers.map((p) => providerOption(p, request.deviceId)),
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const chain = request.chain.length === 0 ? (['cpu'] as const) : request.chain;
  if (chain.length === 1 && chain[0] === 'cpu') return { session: await ort.InferenceSession.create(modelPath, options(['cpu'])), provider: 'cpu' };
  let reason = chain.map(providerMissing).find((r) => r !== null) ?? null;
  if (reason === null) {
    try {
      return { session: await ort.InferenceSession.create(modelPath, options(chain)), provider: chain[0] as ExecutionProvider };
    } catch (error) {
      reason = `${chain.join(', ')} could not be opened: ${(error as Error).message.split('\n')[0]}`;
    }
  }
  if (!request.allowCpuFallback) throw new ProviderUnavailable(reason);
  return { session: await ort.InferenceSession.create(modelPath, options(['cpu'])), provider: 'cpu', fallbackReason: reason };
}

/** Whether the session's first input takes any batch size (a symbolic or free first dimension). */
export function takesBatches(session: ort.InferenceSession): boolean {
  const meta = session.inputMetadata[0];
  if (!meta || !meta.isTensor) return false;
  const first = meta.shape[0];
  return typeof first !== 'number' || first < 0;
}

export { ort };
