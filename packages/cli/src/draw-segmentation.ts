import { VOC_PALETTE } from '@det/voc';
import sharp from 'sharp';

/**
 * The image with its class map blended over it (VOC palette colours, `alpha` opacity; background, class 0, is left
 * clear) as PNG bytes. `classMap.data` [height·width] class indices at the image's size.
 */
export async function drawSegmentation(imagePath: string, classMap: { width: number; height: number; data: Uint8Array }, alpha = 0.55): Promise<Uint8Array> {
  const { width, height, data } = classMap;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === 0) continue;
    rgba.set([VOC_PALETTE[3 * c], VOC_PALETTE[3 * c + 1], VOC_PALETTE[3 * c + 2], Math.round(alpha * 255)], 4 * i);
  }
  const overlay = await sharp(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
  return sharp(imagePath).composite([{ input: overlay, top: 0, left: 0 }]).png().toBuffer();
}
