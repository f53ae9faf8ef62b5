import { readFileSync } from 'node:fs';
import type { EvalImage } from './types';

/** The shared metrics fixture (voc_eval.py and pycocotools references), see fixtures/shared/README.md. */
export interface MetricsCase {
  classes: string[];
  images: { id: string; width: number; height: number; objects: { name: string; bbox: number[]; difficult: number }[] }[];
  detections: { image: string; class: string; score: number; bbox: number[] }[];
  voc: Record<'voc07' | 'voc12', { per_class_ap: Record<string, number>; mAP: number }>;
  coco_gt: unknown;
  coco_results: unknown;
  coco: { stats: number[]; per_class_ap: Record<string, number> };
}

export function readMetricsFixture(): { classes: string[]; cases: MetricsCase[] } {
  return JSON.parse(readFileSync(new URL('../../../fixtures/shared/metrics.json', import.meta.url), 'utf8'));
}

/** Converts a fixture case into EvalImages (labels index into `classes`). */
export function toEvalImages(c: MetricsCase, classes: string[]): EvalImage[] {
  const byImage = new Map<string, MetricsCase['detections']>();
  for (const d of c.detections) {
    if (!byImage.has(d.image)) byImage.set(d.image, []);
    byImage.get(d.image)!.push(d);
  }
  return c.images.map((im) => {
    const dets = byImage.get(im.id) ?? [];
    return {
      id: im.id,
      groundTruth: {
        boxes: Float32Array.from(im.objects.flatMap((o) => o.bbox)),
        labels: Int32Array.from(im.objects.map((o) => classes.indexOf(o.name))),
        difficult: Uint8Array.from(im.objects.map((o) => o.difficult)),
      },
      detections: {
        boxes: Float32Array.from(dets.flatMap((d) => d.bbox)),
        scores: Float32Array.from(dets.map((d) => d.score)),
        labels: Int32Array.from(dets.map((d) => classes.indexOf(d.class))),
      },
    };
  });
}
