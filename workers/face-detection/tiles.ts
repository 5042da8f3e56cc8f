import type { Box } from '../protocol';

/**
 * 2x2 overlapping tiles of a frame, for a second detection pass at twice the resolution: the
 * detector sees 320x240, so a 40 px face in a 1280x720 frame is 10 px there, below what it finds.
 * Tiles overlap by 20% of the frame so a face on a seam is whole in at least one tile.
 */
export function tileRegions(width: number, height: number): Box[] {
  const tw = Math.round(width * 0.6);
  const th = Math.round(height * 0.6);
  const regions: Box[] = [];
  for (const y of [0, height - th]) for (const x of [0, width - tw]) regions.push({ x, y, width: tw, height: th });
  return regions;
}
