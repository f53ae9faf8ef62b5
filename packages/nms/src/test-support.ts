// Helpers shared by this package's tests (not exported from the package).
import { readFileSync } from 'node:fs';
import { iouAt } from '@det/boxes';
import { createRandom } from '@det/core';

/** Parses a JSON fixture, path relative to the repository root. */
export function readFixture<T>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8')) as T;
}

/** The plain O(N·K) greedy loop with @det/boxes' IoU: what {@link greedyNms} must equal exactly. */
export function naiveNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, iouThreshold: number): number[] {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const dropped = new Uint8Array(n);
  const keep: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (dropped[i]) continue;
    keep.push(i);
    for (let m = k + 1; m < n; m++) {
      const j = order[m];
      if (!dropped[j] && iouAt(boxes, i, boxes, j) > iouThreshold) dropped[j] = 1;
    }
  }
  return keep;
}

/**
 * Random boxes in clusters with sizes spread over `sizeRange` (ratio of largest to smallest side) and
 * aspect ratios up to 4, some of them degenerate; Float32Array [n*4] xyxy and scores [n].
 */
export function randomBoxes(
  seed: number,
  n: number,
  { extent = 300, sizeRange = 10, clusters = 5, degenerate = 0, tiedScores = false } = {},
): { boxes: Float32Array; scores: Float32Array } {
  const random = createRandom(seed);
  const centres = Array.from({ length: clusters }, () => [random() * extent, random() * extent]);
  const boxes = new Float32Array(4 * n);
  const scores = new Float32Array(n);
  const minSide = extent / 40;
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centres[Math.floor(random() * clusters)];
    const side = minSide * sizeRange ** random();
    const aspect = 4 ** (2 * random() - 1);
    const w = side * Math.sqrt(aspect);
    const h = side / Math.sqrt(aspect);
    const x = cx + (random() - 0.5) * side;
    const y = cy + (random() - 0.5) * side;
    boxes.set([x - w / 2, y - h / 2, x + w / 2, y + h / 2], 4 * i);
    if (random() < degenerate) boxes[4 * i + 2] = boxes[4 * i]; // zero width
    scores[i] = tiedScores ? Math.ceil(random() * 4) / 4 : random();
  }
  return { boxes, scores };
}
