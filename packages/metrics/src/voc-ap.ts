/** `'voc07'`: 11-point interpolated AP (VOC2007 test); `'voc12'`: area under the precision envelope (VOC2010+). */
export type VocMetric = 'voc07' | 'voc12';

/**
 * voc_eval.py's `voc_ap`. `recall` and `precision` are the cumulative curves in decreasing-score order.
 * - `'voc07'`: mean over t = 0, 0.1, …, 1 of the largest precision at recall ≥ t (0 when none).
 * - `'voc12'`: area under the precision envelope (precision made non-increasing from the right),
 *   summed where recall changes, with sentinels (0, 0) in front and (1, 0) at the end.
 */
export function vocAp(recall: ArrayLike<number>, precision: ArrayLike<number>, metric: VocMetric): number {
  const n = recall.length;
  if (metric === 'voc07') {
    let ap = 0;
    for (let k = 0; k < 11; k++) {
      const t = k * 0.1; // np.arange(0., 1.1, 0.1)
      let p = 0;
      for (let i = 0; i < n; i++) if (recall[i] >= t && precision[i] > p) p = precision[i];
      ap += p / 11;
    }
    return ap;
  }
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  mrec[n + 1] = 1;
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i];
    mpre[i + 1] = precision[i];
  }
  for (let i = n + 1; i > 0; i--) if (mpre[i] > mpre[i - 1]) mpre[i - 1] = mpre[i];
  let ap = 0;
  for (let i = 0; i < n + 1; i++) if (mrec[i + 1] !== mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  return ap;
}
