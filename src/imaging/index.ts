import sharp from 'sharp';
import { VigilError } from '../errors';

/** Refuse images that would decode to more than this many pixels (decompression bombs). */
const MAX_PIXELS = 50_000_000;

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** RGB24, width*height*3 bytes, in its own ArrayBuffer (transferable to a worker). */
  readonly pixels: ArrayBuffer;
}

/** Decodes an image file or buffer (JPEG, PNG, WebP, ...) to RGB24, applying EXIF orientation. The one door to sharp. */
export async function decodeImage(input: string | Buffer): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    const pixels = new ArrayBuffer(data.length);
    new Uint8Array(pixels).set(data);
    return { width: info.width, height: info.height, pixels };
  } catch (error) {
    const source = typeof input === 'string' ? input : `${input.length}-byte buffer`;
    throw new VigilError('VIGIL_ERR_IMAGE_UNREADABLE', `cannot decode image ${source}: ${(error as Error).message}`, { source });
  }
}

export { SnapshotStore, type SnapshotBox } from './snapshots';
