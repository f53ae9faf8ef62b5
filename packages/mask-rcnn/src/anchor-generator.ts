import { anchorGrid, anchorsPerLocation, baseAnchors } from '@det/anchors';
import { InvalidConfigError } from '@det/core';
import { Module } from '@det/nn';

/** (height, width) in pixels. */
export type HW = readonly [number, number];

/**
 * torchvision `AnchorGenerator` (aspect ratio = height / width): per level `sizes[l] × aspectRatios[l]` zero-centred
 * cell anchors, rounded half-to-even as `torch.round`, in ratio-major order, tiled at the level's stride
 * (⌊padded image size / feature size⌋ per axis). Computed by @det/anchors (`baseAnchors`, `anchorGrid`), which
 * reproduce torchvision's values and order exactly. A flat number or ratio list is applied as torchvision does
 * (`sizes = [32, 64]` → one size per level; one ratio list → the same for every level).
 * Defaults are torchvision's class defaults (one level, sizes 128, 256, 512); Faster/Mask R-CNN use
 * {@link defaultAnchorGenerator}. No parameters; prints as `AnchorGenerator()`.
 */
export class AnchorGenerator extends Module<[HW, readonly HW[]], Float32Array> {
  static override readonly torchName: string = 'AnchorGenerator';
  readonly sizes: readonly (readonly number[])[];
  readonly aspectRatios: readonly (readonly number[])[];
  /** Per level: the zero-centred anchors, [A*4] xyxy pixels. */
  readonly cellAnchors: readonly Float32Array[];

  constructor(sizes: readonly (readonly number[])[] | readonly number[] = [[128, 256, 512]], aspectRatios: readonly (readonly number[])[] | readonly number[] = [[0.5, 1, 2]]) {
    super();
    if (sizes.length === 0) throw new InvalidConfigError('sizes must name at least one level', { field: 'sizes', expected: 'number[][]' });
    const perLevel = (Array.isArray(sizes[0]) ? sizes : (sizes as readonly number[]).map((s) => [s])) as readonly (readonly number[])[];
    const ratios = (Array.isArray(aspectRatios[0]) ? aspectRatios : perLevel.map(() => aspectRatios)) as readonly (readonly number[])[];
    this.sizes = perLevel;
    this.aspectRatios = ratios;
    anchorsPerLocation({ sizes: perLevel, aspectRatios: ratios }); // validates
    this.cellAnchors = perLevel.map((s, l) => baseAnchors(s, ratios[l]));
  }

  /** Anchors per location for each level (the RPN head's `num_anchors`). */
  numAnchorsPerLocation(): number[] {
    return anchorsPerLocation({ sizes: this.sizes, aspectRatios: this.aspectRatios });
  }

  /**
   * Anchors of one image: Float32Array [Σ H_l·W_l·A_l * 4], corner form `xyxy` in the batched (padded) input's pixels;
   * order level, row, column, cell anchor (torchvision's). `imageSize` is the padded batch's (H, W), `featureSizes`
   * the (H, W) of each level. Every image of a batch gets the same anchors.
   */
  forward(imageSize: HW, featureSizes: readonly HW[]): Float32Array {
    return anchorGrid(
      { sizes: this.sizes, aspectRatios: this.aspectRatios },
      { height: imageSize[0], width: imageSize[1] },
      featureSizes.map(([height, width]) => ({ height, width })),
    );
  }
}

/** torchvision's `_default_anchorgen()` for Faster/Mask R-CNN: sizes 32, 64, 128, 256, 512 (one per level), ratios 0.5, 1, 2. */
export function defaultAnchorGenerator(): AnchorGenerator {
  return new AnchorGenerator(
    [[32], [64], [128], [256], [512]],
    Array.from({ length: 5 }, () => [0.5, 1, 2]),
  );
}
