import type { View } from './router.js';
import type { CameraView, VigilEvent } from './types.js';

/** What every view may use of the page (the shell builds it once, in main.ts). */
export interface ViewContext {
  /** Goes to a view with its parameters (`go('search', { event: id })`). */
  readonly go: (id: string, params?: Record<string, string | null | undefined>) => void;
  readonly cameras: () => readonly CameraView[];
  readonly cameraName: (id: string) => string;
  /** Identity id -> name, as far as the page knows. */
  readonly identities: () => ReadonlyMap<string, string>;
  /** Re-reads the identities (after a change made by a view). */
  readonly refreshIdentities: () => Promise<void>;
  /** The full-frame dialog with the face box. */
  readonly openFrame: (event: VigilEvent) => void;
  /** The live view, built by the page itself (cameras and feed). */
  readonly live: View;
}
