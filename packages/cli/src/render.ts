import sharp from 'sharp';

/** Rasterises an SVG document to PNG bytes (sharp/librsvg). */
export async function renderSvgToPng(svg: string): Promise<Uint8Array> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}
