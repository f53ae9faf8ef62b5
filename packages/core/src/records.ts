import type { GroundTruth } from './annotations';

/** Ordered class names; a label is an index into this list. Background is not included. */
export type ClassNames = readonly string[];

/** One image on disk. `width`/`height` in pixels. */
export interface ImageRecord {
  /** Dataset-unique id, e.g. VOC's `'2008_000008'`. */
  id: string;
  /** Path of the image file. */
  path: string;
  width: number;
  height: number;
  /** Colour channels as annotated (VOC `<depth>`), when known. */
  depth?: number;
}

/** An image with its annotations, as dataset loaders return it. */
export interface DatasetRecord extends ImageRecord {
  groundTruth: GroundTruth;
}

/** A dataset index: its class list and its records. */
export interface DatasetIndex {
  classNames: ClassNames;
  records: DatasetRecord[];
}

/** Index of `name` in `classNames`, or `undefined` when the class is not in the list. */
export function classIndex(classNames: ClassNames, name: string): number | undefined {
  const i = classNames.indexOf(name);
  return i < 0 ? undefined : i;
}
