/** The 20 PASCAL VOC object classes in the devkit's order; a label is an index into this list. */
export const VOC_CLASSES: readonly string[] = Object.freeze([
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
]);

/** Segmentation classes: index 0 is background, 1–20 the VOC classes; 255 marks boundaries/ignore. */
export const VOC_SEGMENTATION_CLASSES: readonly string[] = Object.freeze(['background', ...VOC_CLASSES]);

/** Label value of object boundaries and "void" pixels in VOC masks. */
export const VOC_IGNORE_INDEX = 255;

/**
 * The VOC colour map (the devkit's `labelcolormap`): 256 RGB triplets, Uint8Array [256*3], built by
 * interleaving the bits of the index — 0 black, 1 (128,0,0), 2 (0,128,0), …, 255 (224,224,192).
 */
export function vocPalette(): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = i;
    for (let j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    out.set([r, g, b], 3 * i);
  }
  return out;
}

/** {@link vocPalette} computed once. */
export const VOC_PALETTE: Uint8Array = vocPalette();
