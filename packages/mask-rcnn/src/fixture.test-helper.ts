/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { readFileSync } from 'node:fs';
import type { AnyModule } from '@det/nn';
import { tf } from '@det/tfjs';

let cached: any;

/** fixtures/mask-rcnn/reference.json (written by scripts/fixtures/maskrcnn_reference.py from torchvision 0.14). */
export function reference(): any {
  cached ??= JSON.parse(readFileSync(new URL('../../../fixtures/mask-rcnn/reference.json', import.meta.url).pathname, 'utf8'));
  return cached;
}

/** max |got − want| / max |want|: the parity measure of the issue. */
export function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** max |got − want|. */
export function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff = Math.max(diff, Math.abs(got[i] - want[i]));
  return diff;
}

/** A fixture tensor `{ shape, values }` as a tf tensor. */
export function tensorOf(t: { shape: number[]; values: number[] }): tf.Tensor {
  return tf.tensor(Float32Array.from(t.values), t.shape);
}

/** Loads a fixture state dict (PyTorch layout) into `module`; throws on missing/unexpected keys. */
export function loadFixtureState(module: AnyModule, state: Record<string, { shape: number[]; values: number[] }>): void {
  const dict = new Map(Object.entries(state).map(([k, v]) => [k, tensorOf(v)] as const));
  try {
    module.loadStateDict(dict, { source: 'torchvision' });
  } finally {
    tf.dispose([...dict.values()]);
  }
}

/** State-dict keys with their shapes in PyTorch layout (the permutation of each entry undone). */
export function torchShapes(module: AnyModule): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const owners = new Map(module.namedModules());
  for (const [key, v] of module.stateDict()) {
    const dot = key.lastIndexOf('.');
    const owner = owners.get(dot < 0 ? '' : key.slice(0, dot)) as AnyModule;
    const perm = owner.torchPermutation(key.slice(dot + 1), v.rank);
    if (perm === undefined) out[key] = [...v.shape];
    else {
      const shape = new Array<number>(v.rank);
      perm.forEach((p, i) => {
        shape[p] = v.shape[i];
      });
      out[key] = shape;
    }
  }
  return out;
}

/**
 * Boxes [K*4] and scores [K] reordered by decreasing score, ties by coordinates: the order of exactly equal scores
 * is not specified by torch.topk, so parity checks compare this canonical order.
 */
export function canonical(boxes: ArrayLike<number>, scores: ArrayLike<number>): { boxes: number[]; scores: number[] } {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => {
    if (Math.fround(scores[b]) !== Math.fround(scores[a])) return scores[b] - scores[a];
    for (let c = 0; c < 4; c++) if (boxes[4 * a + c] !== boxes[4 * b + c]) return boxes[4 * a + c] - boxes[4 * b + c];
    return 0;
  });
  return { boxes: idx.flatMap((i) => [0, 1, 2, 3].map((c) => boxes[4 * i + c])), scores: idx.map((i) => scores[i]) };
}
