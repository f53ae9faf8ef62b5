/**
 * Hard negative mining (ssd.pytorch / torchvision MultiBoxLoss): per image, the `negPosRatio × positives`
 * background priors with the highest background loss (at most all the image's background priors).
 * - `backgroundLoss` [B*P]: each prior's cross-entropy against the background class (any value for positives).
 * - `labels` [B*P]: 0 = background, > 0 = positive (class + 1).
 * Returns a [B*P] 0/1 mask of the priors whose classification loss counts: positives and the mined negatives.
 * Ties at the cut keep the lower prior index (a stable descending sort).
 */
export function mineHardNegatives(backgroundLoss: ArrayLike<number>, labels: ArrayLike<number>, batchSize: number, negPosRatio = 3): Float32Array {
  const total = labels.length;
  const p = total / batchSize;
  const mask = new Float32Array(total);
  const order = new Uint32Array(p);
  const loss = new Float32Array(p);
  for (let b = 0; b < batchSize; b++) {
    const base = b * p;
    let positives = 0;
    let negatives = 0;
    for (let i = 0; i < p; i++) {
      if (labels[base + i] > 0) {
        mask[base + i] = 1;
        positives++;
      } else {
        order[negatives] = i;
        loss[i] = backgroundLoss[base + i];
        negatives++;
      }
    }
    const k = Math.min(negPosRatio * positives, negatives);
    if (k === 0) continue;
    const candidates = order.subarray(0, negatives);
    if (k < negatives) {
      // Sort by decreasing loss, ties by index; a full sort of the negatives is O(P log P) on ~10⁴ priors.
      const sorted = Array.from(candidates).sort((a, c) => loss[c] - loss[a] || a - c);
      for (let j = 0; j < k; j++) mask[base + sorted[j]] = 1;
    } else {
      for (const i of candidates) mask[base + i] = 1;
    }
  }
  return mask;
}
