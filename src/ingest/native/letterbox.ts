/** Where a source picture goes inside the analysis frame, aspect ratio kept, centred (black bars around). */
export interface Letterbox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Fits `source` into `target` like ffmpeg's `scale=W:H:force_original_aspect_ratio=decrease,pad=W:H:(ow-iw)/2:(oh-ih)/2`,
 * with even sizes and offsets (chroma subsampling). Boxes found in the analysis frame stay true to
 * the scene. Pure.
 */
export function letterbox(source: { width: number; height: number }, target: { width: number; height: number }): Letterbox {
  const scale = Math.min(target.width / source.width, target.height / source.height);
  const even = (v: number): number => Math.max(2, Math.floor(v / 2) * 2);
  const width = Math.min(target.width, even(source.width * scale));
  const height = Math.min(target.height, even(source.height * scale));
  return { x: Math.floor((target.width - width) / 4) * 2, y: Math.floor((target.height - height) / 4) * 2, width, height };
}
