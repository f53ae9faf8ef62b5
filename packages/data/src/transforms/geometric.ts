import { boxIou } from '@det/boxes';
import { InvalidConfigError } from '@det/core';
import { cropImage, flipImageHorizontal, resizeImage } from '../image';
import { chance, type Random, uniform } from '../random';
import { type DetectionSample, selectBoxes, type Transform } from '../sample';

export interface ExpandOptions {
  /** Fill colour of the enlarged canvas, RGB 0–255 (default the ImageNet mean × 255: [124, 116, 104]). */
  fill?: readonly [number, number, number];
  /** Largest enlargement factor (default 4, as ssd.pytorch and torchvision's RandomZoomOut). */
  maxRatio?: number;
  /** Probability of applying (default 0.5). */
  p?: number;
}

/**
 * "Zoom out" (ssd.pytorch `Expand`, torchvision `RandomZoomOut`): places the image at a random spot of a
 * canvas `ratio` ∈ [1, maxRatio] times larger, filled with `fill`; boxes are shifted. Pixel boxes.
 */
export function expand(options: ExpandOptions = {}): Transform {
  const { fill = [124, 116, 104], maxRatio = 4, p = 0.5 } = options;
  if (!(maxRatio >= 1)) throw new InvalidConfigError('maxRatio must be >= 1', { field: 'maxRatio', received: maxRatio });
  return (sample, random) => {
    if (!chance(random, p)) return sample;
    const { width, height, data } = sample.image;
    const ratio = uniform(random, 1, maxRatio);
    const W = Math.floor(width * ratio);
    const H = Math.floor(height * ratio);
    const left = Math.floor(uniform(random, 0, W - width));
    const top = Math.floor(uniform(random, 0, H - height));
    const out = new Float32Array(W * H * 3);
    for (let q = 0; q < out.length; q += 3) {
      out[q] = fill[0];
      out[q + 1] = fill[1];
      out[q + 2] = fill[2];
    }
    for (let y = 0; y < height; y++) out.set(data.subarray(y * width * 3, (y + 1) * width * 3), ((top + y) * W + left) * 3);
    const boxes = sample.boxes.slice();
    for (let k = 0; k < boxes.length; k += 4) {
      boxes[k] += left;
      boxes[k + 1] += top;
      boxes[k + 2] += left;
      boxes[k + 3] += top;
    }
    return { ...sample, image: { width: W, height: H, data: out }, boxes };
  };
}

export interface IouCropOptions {
  /** Minimum IoU choices; `null` = keep the whole image (default [null, 0.1, 0.3, 0.5, 0.7, 0.9] like torchvision; ssd.pytorch has no 0.5). */
  minIous?: readonly (number | null)[];
  /** Tries per chosen IoU before drawing another (default 50 as ssd.pytorch; torchvision uses 40). */
  trials?: number;
  /** Crop side as a fraction of the image side (default [0.3, 1]). */
  scale?: [number, number];
  /** Allowed crop aspect ratio h/w (default [0.5, 2]). */
  aspect?: [number, number];
}

/**
 * SSD's random IoU crop (ssd.pytorch `RandomSampleCrop`, torchvision `RandomIoUCrop`): picks a minimum IoU,
 * then samples crops until one has a box with IoU ≥ that minimum and contains at least one box centre;
 * keeps the boxes whose centres lie inside, clipped and shifted into the crop. Pixel boxes. Uses the
 * intended constraint (max IoU ≥ minimum): ssd.pytorch's `min < lo and hi < max` test never rejects.
 * Images without boxes are returned unchanged.
 */
export function randomIouCrop(options: IouCropOptions = {}): Transform {
  const { minIous = [null, 0.1, 0.3, 0.5, 0.7, 0.9], trials = 50, scale = [0.3, 1], aspect = [0.5, 2] } = options;
  return (sample, random: Random) => {
    const n = sample.boxes.length >> 2;
    if (n === 0) return sample;
    const { width, height } = sample.image;
    // Bounded: each round draws a new minimum IoU; `null` (no crop) ends it. Give up after 20 rounds.
    for (let round = 0; round < 20; round++) {
      const minIou = minIous[Math.floor(random() * minIous.length)];
      if (minIou === null) return sample;
      for (let t = 0; t < trials; t++) {
        const w = Math.floor(uniform(random, scale[0], scale[1]) * width);
        const h = Math.floor(uniform(random, scale[0], scale[1]) * height);
        if (w < 1 || h < 1 || h / w < aspect[0] || h / w > aspect[1]) continue;
        const left = Math.floor(uniform(random, 0, width - w + 1));
        const top = Math.floor(uniform(random, 0, height - h + 1));
        const right = left + w;
        const bottom = top + h;
        const keep = new Array<boolean>(n);
        let any = false;
        for (let i = 0; i < n; i++) {
          const cx = (sample.boxes[4 * i] + sample.boxes[4 * i + 2]) / 2;
          const cy = (sample.boxes[4 * i + 1] + sample.boxes[4 * i + 3]) / 2;
          keep[i] = left < cx && cx < right && top < cy && cy < bottom;
          any ||= keep[i];
        }
        if (!any) continue;
        const ious = boxIou(sample.boxes, [left, top, right, bottom]);
        let best = 0;
        for (const v of ious) best = Math.max(best, v);
        if (best < minIou) continue;
        const cropped = selectBoxes(sample, keep);
        const b = cropped.boxes;
        for (let k = 0; k < b.length; k += 4) {
          b[k] = Math.max(b[k], left) - left;
          b[k + 1] = Math.max(b[k + 1], top) - top;
          b[k + 2] = Math.min(b[k + 2], right) - left;
          b[k + 3] = Math.min(b[k + 3], bottom) - top;
        }
        return { ...cropped, image: cropImage(sample.image, left, top, w, h) };
      }
    }
    return sample;
  };
}

/** Left–right flip with probability `p` (default 0.5); boxes mirrored (pixel boxes: x → width − x). */
export function randomHorizontalFlip(p = 0.5): Transform {
  return (sample, random) => (chance(random, p) ? flipHorizontal(sample) : sample);
}

/** Boxes `xyxy` mirrored left–right in an image `width` wide (x1, x2 → width − x2, width − x1); a new array. */
export function flipBoxesHorizontal(boxes: Float32Array, width: number): Float32Array {
  const out = boxes.slice();
  for (let k = 0; k < out.length; k += 4) {
    out[k] = width - boxes[k + 2];
    out[k + 2] = width - boxes[k];
  }
  return out;
}

/** Deterministic left–right flip of image and boxes. */
export function flipHorizontal(sample: DetectionSample): DetectionSample {
  const boxes = flipBoxesHorizontal(sample.boxes, sample.normalized ? 1 : sample.image.width);
  return { ...sample, image: flipImageHorizontal(sample.image), boxes };
}

/** Divides pixel boxes by the image size so they lie in [0, 1] (ssd.pytorch `ToPercentCoords`). */
export function toPercentCoords(): Transform {
  return (sample) => {
    if (sample.normalized) return sample;
    const { width, height } = sample.image;
    const boxes = sample.boxes.slice();
    for (let k = 0; k < boxes.length; k += 4) {
      boxes[k] /= width;
      boxes[k + 1] /= height;
      boxes[k + 2] /= width;
      boxes[k + 3] /= height;
    }
    return { ...sample, boxes, normalized: true };
  };
}

/** Bilinear resize to width × height (half-pixel centres, as cv2.resize); pixel boxes are scaled, normalised ones kept. */
export function resize(width: number, height = width): Transform {
  return (sample) => {
    const { width: w0, height: h0 } = sample.image;
    const image = resizeImage(sample.image, width, height);
    if (sample.normalized) return { ...sample, image };
    const boxes = sample.boxes.slice();
    const sx = width / w0;
    const sy = height / h0;
    for (let k = 0; k < boxes.length; k += 4) {
      boxes[k] *= sx;
      boxes[k + 1] *= sy;
      boxes[k + 2] *= sx;
      boxes[k + 3] *= sy;
    }
    return { ...sample, image, boxes };
  };
}

/** Drops boxes narrower or shorter than `minSize` (in the boxes' own units); never leaves degenerate boxes. */
export function removeSmallBoxes(minSize: number): Transform {
  return (sample) => {
    const n = sample.boxes.length >> 2;
    const keep = new Array<boolean>(n);
    let all = true;
    for (let i = 0; i < n; i++) {
      const b = sample.boxes;
      keep[i] = b[4 * i + 2] - b[4 * i] >= minSize && b[4 * i + 3] - b[4 * i + 1] >= minSize;
      all &&= keep[i];
    }
    return all ? sample : selectBoxes(sample, keep);
  };
}
