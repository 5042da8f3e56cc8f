/** Hardware decoding methods Vigil knows how to ask FFmpeg for (Linux). */
export const HWACCEL_METHODS = ['cuda', 'vaapi', 'qsv', 'vulkan'] as const;
export type HwAccelMethod = (typeof HWACCEL_METHODS)[number];
/** `ingest.hwaccel` and a camera's `hwaccel`: a method, `auto` (the first that works) or `none`. */
export const HWACCEL_SETTINGS = ['none', 'auto', ...HWACCEL_METHODS] as const;
export type HwAccelSetting = (typeof HWACCEL_SETTINGS)[number];

/** What a decoder reports once it has chosen: what was asked, what runs, and why it is not what was asked. */
export interface HwAccelChoice {
  readonly requested: HwAccelSetting;
  /** `none`: software decoding. */
  readonly active: HwAccelMethod | 'none';
  /** Null when `active` is what was asked (or `auto` found one); else why software decodes. */
  readonly reason: string | null;
}

/** The order `auto` tries: NVIDIA, then VA-API (Intel, AMD), Quick Sync, Vulkan. */
export const AUTO_ORDER: readonly HwAccelMethod[] = HWACCEL_METHODS;

/**
 * Picks hardware decoding for a setting. `available` lists the methods the FFmpeg build has;
 * `tryDevice(method)` opens the device and answers null when it works, else the reason (FFmpeg's
 * words). The first method that works wins; none working means software, with the reasons. Pure
 * given `tryDevice`.
 */
export function chooseHwAccel(requested: HwAccelSetting, available: readonly string[], tryDevice: (method: HwAccelMethod) => string | null): HwAccelChoice {
  if (requested === 'none') return { requested, active: 'none', reason: null };
  const candidates = requested === 'auto' ? AUTO_ORDER : [requested];
  const reasons: string[] = [];
  for (const method of candidates) {
    if (!available.includes(method)) {
      reasons.push(`${method}: not in this FFmpeg build`);
      continue;
    }
    const failure = tryDevice(method);
    if (failure === null) return { requested, active: method, reason: null };
    reasons.push(`${method}: ${failure}`);
  }
  const why = requested === 'auto' ? `no hardware decoder works here (${reasons.join('; ')})` : (reasons[0] ?? `${requested}: unavailable`);
  return { requested, active: 'none', reason: `${why}; decoding in software` };
}

/** After a choice, the device worked but the decoder would not open on it: software, saying why. Pure. */
export function hwAccelFailed(choice: HwAccelChoice, why: string): HwAccelChoice {
  return { requested: choice.requested, active: 'none', reason: `${choice.active}: ${why}; decoding in software` };
}
