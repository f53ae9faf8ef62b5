import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClassNames, type DatasetRecord, DatasetError, type DetError, isDetError } from '@det/core';
import { VOC_CLASSES } from './classes';
import { parseImageSet } from './imagesets';
import { type ParseMode, type Problem, ProblemReport } from './problems';
import { parseVocXml } from './xml';

export interface LoadVocOptions {
  /** Image set under ImageSets/Main (default 'trainval'). */
  set?: string;
  /** Path of an image-set file to use instead of `ImageSets/Main/<set>.txt`. */
  imageSetFile?: string;
  /** Keep difficult objects, flagged in `groundTruth.difficult` (default true; evaluation needs them). */
  keepDifficult?: boolean;
  /** Class list (default the 20 VOC classes). */
  classNames?: ClassNames;
  /** `'strict'` (default) throws at the first problem; `'lenient'` skips bad objects/images and reports them. */
  mode?: ParseMode;
  /** Files read at once (default 32). */
  concurrency?: number;
}

export interface VocDataset {
  classNames: ClassNames;
  /** One record per listed image that could be read: JPEGImages/<id>.jpg, size, boxes (xyxy, VOC pixels), 0-based labels. */
  records: DatasetRecord[];
  /** Problems skipped in lenient mode (empty in strict mode). */
  report: Problem[];
}

async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Loads a VOC-format dataset. `root` is the folder that holds `Annotations/`, `JPEGImages/` and
 * `ImageSets/` (e.g. `VOCdevkit/VOC2007`). Boxes keep VOC's 1-based inclusive pixel coordinates
 * (what the devkit's AP rules expect). An id listed in the image set without an annotation file is a
 * DatasetError naming the file (lenient mode: reported and skipped).
 */
export async function loadVocDataset(root: string, options: LoadVocOptions = {}): Promise<VocDataset> {
  const { set = 'trainval', keepDifficult = true, classNames = VOC_CLASSES, mode = 'strict', concurrency = 32 } = options;
  const listFile = options.imageSetFile ?? join(root, 'ImageSets', 'Main', `${set}.txt`);
  let listText: string;
  try {
    listText = await readFile(listFile, 'utf8');
  } catch {
    throw new DatasetError('image set not found', { file: listFile, expected: options.imageSetFile ? 'an image-set file' : `ImageSets/Main/${set}.txt under the VOC root` });
  }
  const ids = parseImageSet(listText, listFile);
  const report = new ProblemReport(mode);
  const loaded = await mapBounded(ids, concurrency, async (id): Promise<DatasetRecord | undefined> => {
    const file = join(root, 'Annotations', `${id}.xml`);
    let xml: string;
    try {
      xml = await readFile(file, 'utf8');
    } catch {
      report.report(new DatasetError('image listed in the image set has no annotation file', { file, field: 'id', received: id }));
      return undefined;
    }
    let parsed: ReturnType<typeof parseVocXml>;
    try {
      parsed = parseVocXml(xml, { file, classNames, mode });
    } catch (error) {
      if (mode === 'lenient' && isDetError(error)) {
        report.report(error as DetError);
        return undefined;
      }
      throw error;
    }
    report.problems.push(...parsed.problems);
    const objects = parsed.annotation.objects.filter((o) => keepDifficult || !o.difficult);
    return {
      id,
      path: join(root, 'JPEGImages', `${id}.jpg`),
      width: parsed.annotation.size.width,
      height: parsed.annotation.size.height,
      depth: parsed.annotation.size.depth,
      groundTruth: {
        boxes: Float32Array.from(objects.flatMap((o) => [o.bndbox.xmin, o.bndbox.ymin, o.bndbox.xmax, o.bndbox.ymax])),
        labels: Int32Array.from(objects.map((o) => o.label)),
        difficult: Uint8Array.from(objects.map((o) => (o.difficult ? 1 : 0))),
      },
    };
  });
  return { classNames, records: loaded.filter((r): r is DatasetRecord => r !== undefined), report: report.problems };
}
