import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClassNames, type DatasetRecord, DatasetError, type DetError, isDetError } from '@det/core';
import { readImageSet } from './files';
import { errorCode, mapBounded } from './io';
import { VOC_CLASSES } from './classes';
import { type ParseMode, type Problem, toProblem } from './problems';
import { resolveVocRoot } from './root';
import { parseVocXml } from './xml';

export interface LoadVocOptions {
  /** VOC year: `root` may then be `VOCdevkit` or its parent (see {@link resolveVocRoot}); default: `root` is the VOC folder. */
  year?: number | string;
  /** Image set under `ImageSets/Main` (default 'trainval'). */
  set?: string;
  /** Path of an image-set file to use instead of `ImageSets/Main/<set>.txt`. */
  imageSetFile?: string;
  /** Keep difficult objects, flagged in `groundTruth.difficult` (default true: VOC AP needs them to ignore). */
  keepDifficult?: boolean;
  /** Class list; a label is an index into it (default the 20 {@link VOC_CLASSES}). */
  classNames?: ClassNames;
  /** `'strict'` (default) throws at the first problem; `'lenient'` skips bad objects/images and reports them. */
  mode?: ParseMode;
  /** Also check that `JPEGImages/<id>.jpg` exists (one `stat` per image; default false). */
  checkImages?: boolean;
  /** Files read at once (default 32). */
  concurrency?: number;
}

export interface VocDataset {
  /** The class list the labels index. */
  classNames: ClassNames;
  /**
   * One record per listed image that could be read, in image-set order: `path` = `JPEGImages/<id>.jpg`,
   * `width`/`height`/`depth` from `<size>`, `groundTruth.boxes` Float32Array [M*4] `xyxy` in VOC's 1-based
   * pixel coordinates as written, `labels` Int32Array [M] 0-based into `classNames`, `difficult` Uint8Array [M].
   */
  records: DatasetRecord[];
  /** Problems skipped in lenient mode, in image-set order (always empty in strict mode). */
  report: Problem[];
}

type Outcome = { record?: DatasetRecord; problems: Problem[] } | { error: DetError };

/**
 * Loads a VOC-format detection dataset. `root` is the folder that holds `Annotations/`, `JPEGImages/` and
 * `ImageSets/` — `VOCdevkit/VOC2007` or `VOCdevkit/VOC2012` — or, with `year`, a folder above it.
 * Reads `ImageSets/Main/<set>.txt`, then every `Annotations/<id>.xml` (concurrently, at most `concurrency`
 * at once) with {@link parseVocXml}. Boxes keep VOC's 1-based inclusive pixel coordinates (what the
 * devkit's AP rules expect).
 *
 * Bad input: a missing image-set file → DatasetError (both modes). An id without `Annotations/<id>.xml`
 * (or without its JPEG, with `checkImages`) → DatasetError naming the file; malformed XML or a bad `<size>`
 * → ParseError; a bad object → ParseError / InvalidBoxError / InvalidLabelError naming file, field and
 * object index. Strict mode throws the first of these in image-set order; lenient mode skips the object
 * (or the image) and lists every problem in `report`.
 */
export async function loadVocDataset(root: string, options: LoadVocOptions = {}): Promise<VocDataset> {
  const { set = 'trainval', keepDifficult = true, classNames = VOC_CLASSES, mode = 'strict', checkImages = false, concurrency = 32 } = options;
  const dir = await resolveVocRoot(root, options.year);
  const listFile = options.imageSetFile ?? join(dir, 'ImageSets', 'Main', `${set}.txt`);
  const ids = await readImageSet(listFile, options.imageSetFile ? 'an image-set file' : `ImageSets/Main/${set}.txt under the VOC root`);
  let failedAt = Number.POSITIVE_INFINITY;
  const outcomes = await mapBounded(
    ids,
    concurrency,
    async (id, i): Promise<Outcome> => {
      const outcome = await loadOne(dir, id, { classNames, mode, keepDifficult, checkImages });
      if ('error' in outcome && i < failedAt) failedAt = i;
      return outcome;
    },
    () => mode === 'strict' && failedAt < Number.POSITIVE_INFINITY,
  );
  const records: DatasetRecord[] = [];
  const report: Problem[] = [];
  // Every index below the first failure was started, so the first error in image-set order is deterministic.
  for (const outcome of outcomes) {
    if (outcome === undefined) continue;
    if ('error' in outcome) {
      if (mode === 'strict') throw outcome.error;
      report.push(toProblem(outcome.error));
      continue;
    }
    report.push(...outcome.problems);
    if (outcome.record) records.push(outcome.record);
  }
  return { classNames, records, report };
}

async function loadOne(
  dir: string,
  id: string,
  o: { classNames: ClassNames; mode: ParseMode; keepDifficult: boolean; checkImages: boolean },
): Promise<Outcome> {
  const file = join(dir, 'Annotations', `${id}.xml`);
  const path = join(dir, 'JPEGImages', `${id}.jpg`);
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (error) {
    return { error: new DatasetError(`image listed in the image set has no readable annotation file (${errorCode(error)})`, { file, field: 'id', received: id }) };
  }
  if (o.checkImages && !(await stat(path).catch(() => undefined))?.isFile()) {
    return { error: new DatasetError('image listed in the image set has no JPEG', { file: path, field: 'id', received: id }) };
  }
  try {
    const { annotation, problems } = parseVocXml(xml, { file, classNames: o.classNames, mode: o.mode });
    const objects = annotation.objects.filter((obj) => o.keepDifficult || !obj.difficult);
    const boxes = new Float32Array(objects.length * 4);
    objects.forEach((obj, k) => boxes.set([obj.bndbox.xmin, obj.bndbox.ymin, obj.bndbox.xmax, obj.bndbox.ymax], 4 * k));
    const record: DatasetRecord = {
      id,
      path,
      width: annotation.size.width,
      height: annotation.size.height,
      depth: annotation.size.depth,
      groundTruth: {
        boxes,
        labels: Int32Array.from(objects, (obj) => obj.label),
        difficult: Uint8Array.from(objects, (obj) => (obj.difficult ? 1 : 0)),
      },
    };
    return { record, problems };
  } catch (error) {
    if (isDetError(error)) return { error };
    throw error;
  }
}
