import type { ResourceLimits } from 'node:worker_threads';

/**
 * Resource limits of Vigil's own worker threads (inference, gallery search, history search).
 *
 * Under allocation pressure V8 grows each isolate's young generation to 32 MB (Node 20, measured:
 * `new_space` 32 MB after a burst of short-lived objects, 8 MB with this limit). The gateway has
 * four or five isolates, so their young generations alone move RSS by tens of MB with every
 * garbage collection, which hides real growth in an hour-long soak. These workers keep little
 * between tasks (frames and vectors live in ArrayBuffers, outside the young generation), so a
 * small young generation costs only more frequent, cheap scavenges.
 */
export const WORKER_RESOURCE_LIMITS: ResourceLimits = Object.freeze({ maxYoungGenerationSizeMb: 8 });
