import sharp from 'sharp';
import { COLOURS, detectionsSvg } from './draw-detections';

/** Instance detections in an image's pixels: `boxes` [K*4] `xyxy`, `labels` [K] index `classes`, `masks` K × [height·width] (nonzero = inside). */
export interface InstanceDrawing {
  boxes: Float32Array;
  labels: Int32Array;
  scores: Float32Array;
  masks?: readonly Uint8Array[];
}

/** An image: a file path or bytes (any format sharp reads), or RGB pixels `data` [height·width·3] in 0–255 (`scale` 255 for values in [0, 1]). */
export type DrawableImage = string | Uint8Array | { data: ArrayLike<number>; width: number; height: number; scale?: number };

function hexRgb(hex: string): [number, number, number] {
  return [Number.parseInt(hex.slice(1, 3), 16), Number.parseInt(hex.slice(3, 5), 16), Number.parseInt(hex.slice(5, 7), 16)];
}

function source(image: DrawableImage): sharp.Sharp {
  if (typeof image === 'string' || image instanceof Uint8Array) return sharp(image);
  const { data, width, height, scale = 1 } = image;
  const bytes = new Uint8Array(width * height * 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(data[i] * scale)));
  return sharp(bytes, { raw: { width, height, channels: 3 } });
}

/**
 * The image with each instance's mask blended over it (`alpha` opacity, one colour per instance, later instances on
 * top) and its box and "class score" tag drawn (as {@link detectionsSvg}), as PNG bytes. Masks must have the image's size.
 */
export async function drawInstances(image: DrawableImage, detections: InstanceDrawing, classes: readonly string[], alpha = 0.45): Promise<Uint8Array> {
  const base = source(image);
  const { width = 0, height = 0 } = typeof image === 'object' && 'width' in image ? image : await base.metadata();
  const png = await base.png().toBuffer();
  const layers: sharp.OverlayOptions[] = [];
  const masks = detections.masks ?? [];
  if (masks.length > 0) {
    const rgba = new Uint8Array(width * height * 4);
    const a = Math.round(alpha * 255);
    masks.forEach((mask, k) => {
      if (mask.length !== width * height) throw new RangeError(`mask ${k} has ${mask.length} pixels, expected ${width}×${height}`);
      const [r, g, b] = hexRgb(COLOURS[k % COLOURS.length]);
      for (let p = 0; p < mask.length; p++) if (mask[p]) rgba.set([r, g, b, a], 4 * p);
    });
    layers.push({ input: await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer(), top: 0, left: 0 });
  }
  const coloured = { ...detections, colours: Array.from(detections.labels, (_, k) => COLOURS[k % COLOURS.length]) };
  layers.push({ input: Buffer.from(detectionsSvg(width, height, coloured, classes)), top: 0, left: 0 });
  return sharp(png).composite(layers).png().toBuffer();
}
