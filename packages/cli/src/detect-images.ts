import type { DatasetRecord, Detections } from '@det/core';
import { readImage } from '@det/data';
import type { EvalImage } from '@det/metrics';
import type { PredictOptions, SSD } from '@det/ssd';

/** Runs an SSD over image files in batches; detections in each image's pixels (`xyxy`). */
export async function detectFiles(model: SSD, paths: readonly string[], options: PredictOptions & { batchSize?: number; onBatch?: (done: number) => void } = {}): Promise<Detections[]> {
  const { batchSize = 16, onBatch, ...predict } = options;
  const out: Detections[] = [];
  for (let i = 0; i < paths.length; i += batchSize) {
    const images = await Promise.all(paths.slice(i, i + batchSize).map((p) => readImage(p)));
    out.push(...model.predict(images, predict));
    onBatch?.(out.length);
  }
  return out;
}

/** Detections for every record of a dataset, paired with its ground truth, ready for @det/metrics. */
export async function detectRecords(model: SSD, records: readonly DatasetRecord[], options: PredictOptions & { batchSize?: number } = {}): Promise<EvalImage[]> {
  const detections = await detectFiles(
    model,
    records.map((r) => r.path),
    options,
  );
  return records.map((r, i) => ({ id: r.id, groundTruth: r.groundTruth, detections: detections[i] }));
}
