/**
 * How hard a camera's decoder works. `full`: every frame decoded, sampled at the configured rate.
 * `keyframes`: only key frames decoded, far less CPU. `half-fps`: every frame decoded but half as
 * many analysed. Set by the capacity controller (src/cameras); idle is apart from this (a camera
 * can be idle in any mode).
 */
export type DecodeMode = 'full' | 'keyframes' | 'half-fps';
/** The lowest a camera may be taken under overload; `off` never degrades it. */
export type DegradeTo = 'keyframes' | 'half-fps' | 'off';

export const DECODE_MODES: readonly DecodeMode[] = ['full', 'keyframes', 'half-fps'];
