import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import type { Dataset } from '../dataset';
import { readImage } from '../image-io';
import { assertMask, type SegmentationMask, type SegmentationSample, type SegmentationTransform } from './sample';

/**
 * One image and its class mask, as @det/voc's `loadVocSegmentation(...).records` gives them
 * (`VocSegmentationRecord` fits): the image `path`, and the mask either decoded (`classMask`) or
 * as a file (`classMaskPath`) that the dataset's `readMask` decodes.
 */
export interface SegmentationRecord {
  id?: string;
  /** Image file (JPEG, PNG, …), read with {@link readImage}. */
  path: string;
  /** Mask file, read with the dataset's `readMask` when `classMask` is absent. */
  classMaskPath?: string;
  /** The decoded mask (class indices, 255 ignore). */
  classMask?: SegmentationMask;
}

export interface SegmentationDatasetOptions {
  /** Applied to each sample after loading (e.g. `segmentationTrainTransform({ size: 320 })`). */
  transform?: SegmentationTransform;
  /**
   * Decodes a mask file to class indices, for records without a decoded `classMask`: e.g. @det/voc's
   * `readPaletteMaskFile` for VOC palette PNGs. Takes precedence over `classMask` when given.
   */
  readMask?: (path: string) => SegmentationMask | Promise<SegmentationMask>;
}

/**
 * A semantic-segmentation dataset over records (e.g. `loadVocSegmentation(root).records` from @det/voc,
 * whose class masks come decoded): reads each image with sharp, takes its mask (a copy of `classMask`,
 * or `readMask(classMaskPath)`), checks that both have one size — a mismatch → ShapeMismatchError naming
 * the mask file and the image — and applies the transform.
 */
export function segmentationDataset(records: readonly SegmentationRecord[], options: SegmentationDatasetOptions = {}): Dataset<SegmentationSample> {
  const { transform, readMask } = options;
  return {
    length: records.length,
    async get(index, random) {
      const record = records[index];
      const maskFile = record.classMaskPath ?? record.path;
      let pending: SegmentationMask | Promise<SegmentationMask>;
      if (readMask && record.classMaskPath !== undefined) pending = readMask(record.classMaskPath);
      else if (record.classMask) pending = { width: record.classMask.width, height: record.classMask.height, data: record.classMask.data.slice() };
      else {
        throw new InvalidConfigError('a segmentation record needs a decoded classMask, or a classMaskPath and the readMask option', {
          file: record.path,
          index,
          field: 'classMask',
        });
      }
      const [image, mask] = await Promise.all([readImage(record.path), pending]);
      assertMask(mask, 'classMask');
      if (mask.width !== image.width || mask.height !== image.height) {
        throw new ShapeMismatchError(`mask and image ${record.path} differ in size`, {
          file: maskFile,
          index,
          expected: `${image.width}×${image.height} (the image)`,
          received: `${mask.width}×${mask.height}`,
        });
      }
      const sample: SegmentationSample = { image, mask };
      return transform ? transform(sample, random) : sample;
    },
  };
}
