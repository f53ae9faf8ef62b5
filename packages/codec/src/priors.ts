import { toCorners } from '@det/boxes';
import { checkBoxes } from './validate';

/**
 * Corner form of centroid priors (ssd.pytorch `point_form`): `priors` [P*4] `cxcywh` → Float32Array
 * [P*4] `xyxy`, same coordinate space (normalised for SSD). Every prior is checked first: finite, with
 * width > 0 and height > 0, else an InvalidBoxError naming the prior's index (field `'priors'`).
 * The conversion is `toCorners` from @det/boxes; its float32 results equal torch's float32 `point_form`.
 */
export function priorCorners(priors: ArrayLike<number>): Float32Array {
  checkBoxes(priors, 'cxcywh', 'priors');
  return toCorners(priors);
}
