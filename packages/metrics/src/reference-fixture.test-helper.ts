import { readFileSync } from 'node:fs';

/** fixtures/metrics/reference.json, written by scripts/fixtures/metrics_reference.py (voc_eval.py, pycocotools, numpy). */
export interface ReferenceFixture {
  numpy_argsort: { values: number[]; quicksort: number[]; heapsort: number[] }[];
  voc: VocReferenceCase[];
  coco_data: Record<string, { gt: unknown; results: unknown }>;
  coco: CocoReferenceCase[];
  segmentation: SegmentationReferenceCase[];
}

export interface VocReferenceCase {
  name: string;
  classes: string[];
  images: { id: string; objects: { label: number; bbox: number[]; difficult: number }[] }[];
  detections: { image: string; label: number; score: number; bbox: number[] }[];
  results: {
    metric: 'voc07' | 'voc12';
    iou: number;
    per_class: { status: string; ap: number | null; rec?: (number | null)[]; prec?: (number | null)[] }[];
  }[];
}

export interface CocoReferenceCase {
  name: string;
  data: string;
  params: { iouThrs?: number[]; maxDets?: number[]; areaRng?: [number, number][]; areaRngLbl?: string[] } | null;
  stats: number[];
  stats_largest_maxdets: number[];
  per_class_ap: number[];
  dims: [number, number, number, number, number];
  recall: number[];
  precision_digest: number[];
  precision_rle?: [number, number][];
}

export interface SegmentationReferenceCase {
  num_classes: number;
  shape: [number, number, number];
  target: number[];
  prediction: number[];
  matrix: number[];
  pixel_accuracy: number;
  accuracy: (number | null)[];
  iou: (number | null)[];
  mean_accuracy: number;
  miou: number;
  fwiou: number;
}

let cached: ReferenceFixture | undefined;
export function readReferenceFixture(): ReferenceFixture {
  cached ??= JSON.parse(readFileSync(new URL('../../../fixtures/metrics/reference.json', import.meta.url), 'utf8')) as ReferenceFixture;
  return cached;
}
