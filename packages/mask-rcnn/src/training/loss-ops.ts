import { tf } from '@det/tfjs';

/**
 * Elementwise smooth L1 (torch `F.smooth_l1_loss(..., reduction='none')`): with d = pred − target,
 * 0.5·d²/β where |d| < β, |d| − 0.5·β elsewhere. The quadratic branch squares d itself, so the gradient is d/β
 * there (exactly 0 at d = 0) and sign(d) beyond. β > 0.
 */
export function smoothL1(pred: tf.Tensor, target: tf.Tensor, beta: number): tf.Tensor {
  return tf.tidy(() => {
    const d = tf.sub(pred, target);
    const a = tf.abs(d);
    return tf.where(tf.less(a, beta), tf.mul(tf.square(d), 0.5 / beta), tf.sub(a, 0.5 * beta));
  });
}

/**
 * Elementwise binary cross entropy on logits (torch `F.binary_cross_entropy_with_logits(..., reduction='none')`) in
 * its overflow-free form: max(x, 0) − x·z + log(1 + exp(−|x|)). Gradient σ(x) − z (also at x = 0).
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
}

/**
 * Elementwise softmax cross entropy (torch `F.cross_entropy(..., reduction='none')`): `logits` [K, C], `labels` int32
 * [K] in [0, C) → [K] = logsumexp(logits_k) − logits_k[label_k].
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const c = logits.shape[1];
    const picked = tf.sum(tf.mul(logits, tf.cast(tf.oneHot(labels, c), 'float32')), 1);
    return tf.sub(tf.logSumExp(logits, 1), picked) as tf.Tensor1D;
  });
}

/** 0 that depends on `input` (torchvision's `x.sum() * 0`): the loss of a batch without samples keeps the graph connected and its gradient zero. */
export function connectedZero(input: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(tf.sum(input), 0) as tf.Scalar);
}
