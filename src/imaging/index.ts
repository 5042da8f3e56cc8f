import sharp from 'sharp';
import { VigilError } from '../errors';

// libvips' operation cache (up to 50 MB and 100 operations by default) never hits here: every
// image is new (a snapshot, an upload). Off, it holds no memory that grows with uptime.
sharp.cache(false);

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

export type ImageType = 'jpeg' | 'png' | 'webp';

/**
 * The image type by its first bytes, never by a name or a declared content type; null for
 * anything else (SVG, PDF, HTML, executables, ...), which is refused before sharp sees it. Pure.
 */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 12 && Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'webp';
  return null;
}

/** An uploaded image: sniffed (VIGIL_ERR_IMAGE_TYPE otherwise) and decoded with the pixel limit (decompression bombs refused). */
export async function decodeUpload(bytes: Buffer): Promise<RgbImage> {
  const type = sniffImageType(bytes);
  if (!type) throw new VigilError('VIGIL_ERR_IMAGE_TYPE', 'not a JPEG, PNG or WebP image (checked by content, not by name)');
  return decodeImage(bytes);
}

/** JPEG of a raw RGB24 frame (camera snapshots). */
export async function encodeJpeg(frame: { pixels: Uint8Array; width: number; height: number }, quality: number): Promise<Buffer> {
  return sharp(frame.pixels, { raw: { width: frame.width, height: frame.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

/** PNG of a raw RGB24 image (aligned face crops: lossless, so re-embedding one gives the model the same pixels). */
export async function encodePng(image: { pixels: Uint8Array; width: number; height: number }): Promise<Buffer> {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
}

export { SnapshotStore, type SnapshotBox, type SnapshotRetention } from './snapshots';
