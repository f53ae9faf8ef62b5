import type { DatasetRecord } from '@det/core';
import { readImage } from './image-io';
import type { Random } from './random';
import { type DetectionSample, selectBoxes, type Transform } from './sample';

/** Random-access examples. `get` receives the Random that random transforms must draw from. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number, random: Random): Promise<T>;
}

export interface DetectionDatasetOptions {
  /** Applied to each sample after loading (e.g. `ssdTrainTransform({ size: 300 })`). */
  transform?: Transform;
  /** Keep VOC "difficult" objects (default true: evaluation ignores them; ssd.pytorch drops them for training). */
  keepDifficult?: boolean;
}

/**
 * A detection dataset over dataset records (e.g. `loadVocDataset(...).records` from @det/voc):
 * reads each image with sharp and yields a {@link DetectionSample} with pixel `xyxy` boxes, then the transform.
 */
export function detectionDataset(records: readonly DatasetRecord[], options: DetectionDatasetOptions = {}): Dataset<DetectionSample> {
  const { transform, keepDifficult = true } = options;
  return {
    length: records.length,
    async get(index, random) {
      const record = records[index];
      const gt = record.groundTruth;
      let sample: DetectionSample = {
        image: await readImage(record.path),
        boxes: gt.boxes.slice(),
        labels: gt.labels.slice(),
        difficult: gt.difficult.slice(),
      };
      if (!keepDifficult && gt.difficult.some((d) => d === 1)) {
        sample = selectBoxes(sample, Array.from(gt.difficult, (d) => d === 0));
      }
      return transform ? transform(sample, random) : sample;
    },
  };
}
