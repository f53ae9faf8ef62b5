import { DatasetError } from '@det/core';
import sharp from 'sharp';
import type { RgbImage } from './image';

/**
 * Decodes an image file (JPEG, PNG, WebP, …; path or bytes) to an {@link RgbImage}: alpha dropped,
 * greyscale expanded to RGB, EXIF orientation not applied (VOC boxes refer to the stored pixels).
 * An unreadable file throws a DatasetError naming it.
 */
export async function readImage(source: string | Uint8Array): Promise<RgbImage> {
  const file = typeof source === 'string' ? source : '<buffer>';
  try {
    const { data, info } = await sharp(source).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    return { width: info.width, height: info.height, data: Float32Array.from(data) };
  } catch (error) {
    throw new DatasetError(`cannot read image: ${error instanceof Error ? error.message : String(error)}`, {
      file,
      expected: 'a JPEG/PNG/WebP image',
    });
  }
}

/** Encodes an {@link RgbImage} (values clamped to 0–255) as PNG, or JPEG when the path ends in .jpg/.jpeg. */
export async function encodeImage(image: RgbImage, format: 'png' | 'jpeg' = 'png'): Promise<Uint8Array> {
  const bytes = Uint8Array.from(image.data, (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v)));
  const pipeline = sharp(bytes, { raw: { width: image.width, height: image.height, channels: 3 } });
  return format === 'png' ? pipeline.png().toBuffer() : pipeline.jpeg({ quality: 92 }).toBuffer();
}

/** Writes an {@link RgbImage} to `path` (PNG, or JPEG for .jpg/.jpeg). */
export async function writeImage(path: string, image: RgbImage): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, await encodeImage(image, /\.jpe?g$/i.test(path) ? 'jpeg' : 'png'));
}
