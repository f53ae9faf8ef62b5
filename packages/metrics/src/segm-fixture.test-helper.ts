import { readFileSync } from 'node:fs';
import type { CocoSegmentation } from './coco-segmentation';
import type { CocoReferenceCase } from './reference-fixture.test-helper';

/**
 * src/fixtures/segm-reference.json, written by scripts/fixtures/metrics_segm_reference.py from pycocotools
 * (mask.encode/decode/area/toBbox/frPyObjects/merge/iou, COCO.annToRLE, COCOeval(iouType='segm')).
 * Masks are '0'/'1' strings in row-major order; RLE counts are pycocotools' compressed strings.
 */
export interface SegmReferenceFixture {
  encode: (Described & { height: number; width: number; mask: string })[];
  polygons: (Described & { height: number; width: number; polygon: number[]; decoded?: string })[];
  boxes: (Described & { height: number; width: number; box: number[] })[];
  annotations: (Described & { height: number; width: number; segmentation: CocoSegmentation })[];
  merge: { height: number; width: number; intersect: 0 | 1; rles: string[]; counts: string }[];
  iou: { height: number; width: number; dt: string[]; gt: string[]; iscrowd: number[]; iou: number[][] }[];
  coco_data: Record<string, { gt: unknown; results: unknown }>;
  coco: (CocoReferenceCase & { ious?: Record<string, number[][]> })[];
}

export interface Described {
  counts: string;
  area: number;
  bbox: number[];
}

export const maskBits = (bits: string): Uint8Array => Uint8Array.from(bits, (c) => (c === '1' ? 1 : 0));

let cached: SegmReferenceFixture | undefined;
export function readSegmFixture(): SegmReferenceFixture {
  cached ??= JSON.parse(readFileSync(new URL('./fixtures/segm-reference.json', import.meta.url), 'utf8')) as SegmReferenceFixture;
  return cached;
}
