import { letterbox } from '../ingest';

/**
 * The live WebSocket's messages (README "Live video"). Binary: a media segment exactly as the
 * decoder wrote it, [u8 flags][f64 wallMs][f64 mediaSeconds][fMP4]. Text: JSON control messages,
 * built here. Pure.
 */

/** Close codes of the live socket (private range). */
export const LIVE_CLOSE = {
  notFound: 4404,
  limit: 4429,
  unsupported: 4415,
  /** Cluster mode: the camera runs on another gateway (HTTP's 421 Misdirected Request). */
  elsewhere: 4421,
  goingAway: 1001,
} as const;

export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A box on the video picture, as fractions of its width and height (0..1), with the detector's score. */
export interface PictureBox {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly score: number;
}

const round = (v: number): number => Math.round(v * 10_000) / 10_000;

/**
 * Boxes found in the analysis frame (the source letterboxed into width x height) as fractions of
 * the source picture, clipped to it: what the browser draws over the video at whatever size it shows it.
 */
export function pictureBoxes(faces: readonly { box: FaceBox; score: number }[], source: { width: number; height: number }, analysis: { width: number; height: number }): PictureBox[] {
  const fit = letterbox(source, analysis);
  const clip = (v: number): number => Math.min(1, Math.max(0, v));
  return faces.map(({ box, score }) => {
    const x0 = clip((box.x - fit.x) / fit.width);
    const y0 = clip((box.y - fit.y) / fit.height);
    const x1 = clip((box.x + box.width - fit.x) / fit.width);
    const y1 = clip((box.y + box.height - fit.y) / fit.height);
    return { x: round(x0), y: round(y0), w: round(x1 - x0), h: round(y1 - y0), score: Math.round(score * 100) / 100 };
  });
}

export function initMessage(info: { codec: string; mime: string; width: number; height: number }, camera: string): string {
  return JSON.stringify({ kind: 'init', camera, codec: info.codec, mime: info.mime, width: info.width, height: info.height });
}

export function facesMessage(capturedAt: number, boxes: readonly PictureBox[]): string {
  return JSON.stringify({ kind: 'faces', capturedAt, boxes });
}

export function statusMessage(state: string, reason: string | null): string {
  return JSON.stringify({ kind: 'status', state, reason });
}

export function skippedMessage(segments: number, bytes: number): string {
  return JSON.stringify({ kind: 'skipped', reason: 'slow_viewer', segments, bytes, message: 'this viewer fell behind; resuming at a key frame' });
}

export function errorMessage(code: string, message: string, details: Record<string, string | null> = {}): string {
  return JSON.stringify({ ...details, kind: 'error', code, message });
}

/** `/v1/cameras/{id}/live` → the camera id; null for any other path. */
export function livePathCamera(path: string): string | null {
  const match = /^\/v1\/cameras\/([^/]+)\/live$/.exec(path);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
