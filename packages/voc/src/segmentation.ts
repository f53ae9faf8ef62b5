import { join } from 'node:path';
import { type ClassNames, type DetError, InvalidLabelError, isDetError, ShapeMismatchError } from '@det/core';
import { VOC_CLASSES, VOC_IGNORE_INDEX } from './classes';
import { readImageSet, readPaletteMaskFile } from './files';
import { mapBounded } from './io';
import type { IndexMask } from './mask';
import { type ParseMode, type Problem, toProblem } from './problems';
import { resolveVocRoot } from './root';

/** Which masks {@link loadVocSegmentation} decodes and returns. */
export type VocMaskKind = 'class' | 'object' | 'both';

export interface LoadVocSegmentationOptions {
  /** VOC year: `root` may then be `VOCdevkit` or its parent (see {@link resolveVocRoot}). */
  year?: number | string;
  /** Image set under `ImageSets/Segmentation` (default 'trainval'). */
  set?: string;
  /** Path of an image-set file to use instead of `ImageSets/Segmentation/<set>.txt`. */
  imageSetFile?: string;
  /** Foreground classes (default the 20 {@link VOC_CLASSES}); class-mask values must be ≤ their count, or 255. */
  classNames?: ClassNames;
  /** Masks to decode: 'class' (default, `SegmentationClass`), 'object' (`SegmentationObject`) or 'both'. */
  masks?: VocMaskKind;
  /** `'strict'` (default) throws at the first problem; `'lenient'` skips the image and reports it. */
  mode?: ParseMode;
  /** Files read at once (default 8). */
  concurrency?: number;
}

/** One segmentation sample: paths, size, and the decoded masks that were asked for. */
export interface VocSegmentationRecord {
  id: string;
  /** `JPEGImages/<id>.jpg`. */
  path: string;
  /** `SegmentationClass/<id>.png`. */
  classMaskPath: string;
  /** `SegmentationObject/<id>.png`. */
  objectMaskPath: string;
  width: number;
  height: number;
  /** Class indices [H*W]: 0 background, c+1 = `classNames[c]`, 255 boundary/ignore (with masks 'class' or 'both'). */
  classMask?: IndexMask;
  /** Instance indices [H*W]: k = the k-th `<object>` of `Annotations/<id>.xml`, 255 boundary (with masks 'object' or 'both'). */
  objectMask?: IndexMask;
}

export interface VocSegmentationDataset {
  /** `['background', ...classNames]`: a class-mask value indexes this list (255 excepted). */
  classNames: ClassNames;
  records: VocSegmentationRecord[];
  /** Images skipped in lenient mode (always empty in strict mode). */
  report: Problem[];
}

function checkClasses(mask: IndexMask, numClasses: number, file: string): void {
  const { data } = mask;
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (v > numClasses && v !== VOC_IGNORE_INDEX) {
      throw new InvalidLabelError(`mask value ${v} is not a class`, { file, index: p, field: 'pixel', expected: `0 (background), 1–${numClasses} or ${VOC_IGNORE_INDEX} (boundary)`, received: v });
    }
  }
}

/**
 * Loads a VOC segmentation split (VOC2012 `ImageSets/Segmentation/<set>.txt`, or a generated dataset):
 * `root` is the folder that holds `SegmentationClass/`, `SegmentationObject/`, `JPEGImages/` and `ImageSets/`.
 * Masks are decoded to indices ({@link readPaletteMask}) and checked: a missing file → DatasetError, a
 * non-palette PNG → ParseError, a class value above the class count (other than 255) → InvalidLabelError,
 * class and object masks of different sizes → ShapeMismatchError, each naming the file. Strict mode throws
 * the first in image-set order; lenient mode skips that image and lists the problem in `report`.
 * Memory: one byte per pixel per decoded mask (a 500×375 VOC image: 188 kB).
 */
export async function loadVocSegmentation(root: string, options: LoadVocSegmentationOptions = {}): Promise<VocSegmentationDataset> {
  const { set = 'trainval', classNames = VOC_CLASSES, masks = 'class', mode = 'strict', concurrency = 8 } = options;
  const dir = await resolveVocRoot(root, options.year);
  const listFile = options.imageSetFile ?? join(dir, 'ImageSets', 'Segmentation', `${set}.txt`);
  const ids = await readImageSet(listFile, options.imageSetFile ? 'an image-set file' : `ImageSets/Segmentation/${set}.txt under the VOC root`);
  let failed = false;
  const outcomes = await mapBounded(
    ids,
    concurrency,
    async (id): Promise<VocSegmentationRecord | { error: DetError }> => {
      const record: VocSegmentationRecord = {
        id,
        path: join(dir, 'JPEGImages', `${id}.jpg`),
        classMaskPath: join(dir, 'SegmentationClass', `${id}.png`),
        objectMaskPath: join(dir, 'SegmentationObject', `${id}.png`),
        width: 0,
        height: 0,
      };
      try {
        if (masks !== 'object') {
          record.classMask = await readPaletteMaskFile(record.classMaskPath);
          checkClasses(record.classMask, classNames.length, record.classMaskPath);
        }
        if (masks !== 'class') record.objectMask = await readPaletteMaskFile(record.objectMaskPath);
        const first = (record.classMask ?? record.objectMask)!;
        if (record.classMask && record.objectMask && (record.objectMask.width !== first.width || record.objectMask.height !== first.height)) {
          throw new ShapeMismatchError('object mask and class mask differ in size', { file: record.objectMaskPath, expected: `${first.width}×${first.height}`, received: `${record.objectMask.width}×${record.objectMask.height}` });
        }
        record.width = first.width;
        record.height = first.height;
        return record;
      } catch (error) {
        if (!isDetError(error)) throw error;
        failed = true;
        return { error };
      }
    },
    () => mode === 'strict' && failed,
  );
  const records: VocSegmentationRecord[] = [];
  const report: Problem[] = [];
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    if ('error' in outcome) {
      if (mode === 'strict') throw outcome.error;
      report.push(toProblem(outcome.error));
    } else records.push(outcome);
  }
  return { classNames: ['background', ...classNames], records, report };
}
