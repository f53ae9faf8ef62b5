import { InvalidBoxError, InvalidLabelError, type Random, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import type { HW } from './anchor-generator';
import type { GeneralizedRCNN } from './generalized-rcnn';
import { imageSizes, type RcnnImages } from './images';
import { fastrcnnLoss } from './training/fastrcnn-loss';
import { maskrcnnLoss } from './training/maskrcnn-loss';
import { maskTrainingTargets } from './training/mask-targets';
import { concatRoiSamples, positiveRoiSamples, selectTrainingSamples } from './training/roi-samples';
import { rpnLoss } from './training/rpn-loss';
import { rpnTargets } from './training/rpn-targets';
import type { RcnnTarget } from './transform';

export interface RcnnLossOptions {
  /**
   * Uniform [0, 1) source of the RPN and RoI samplers (default Math.random); pass a seeded one (@det/core
   * `createRandom`) for reproducible samples. The transform's choice among several `minSize`s uses @det/nn's `initRandom`.
   */
  random?: Random;
}

/** torchvision's training loss dict (same keys); `loss_mask` only for Mask R-CNN. */
export interface RcnnLossParts extends Record<string, tf.Scalar> {
  loss_objectness: tf.Scalar;
  loss_rpn_box_reg: tf.Scalar;
  loss_classifier: tf.Scalar;
  loss_box_reg: tf.Scalar;
}

/** {@link GeneralizedRCNN.loss}'s result: `loss` = the sum of `parts` (what torchvision users minimise: `sum(loss_dict.values())`). */
export interface RcnnLossOutput {
  loss: tf.Scalar;
  parts: RcnnLossParts & { loss_mask?: tf.Scalar };
}

/**
 * Checks training targets against the original images (before the transform): one target per image, boxes [G*4]
 * `xyxy` finite with positive width and height (torchvision rejects degenerate boxes), labels [G] integers in
 * [1, numClasses), and for Mask R-CNN G masks of height·width each.
 */
export function checkRcnnTargets(targets: readonly RcnnTarget[], sizes: readonly HW[], numClasses: number, withMasks: boolean): void {
  if (!Array.isArray(targets) || targets.length !== sizes.length) {
    throw new ShapeMismatchError('one target per image is required', { field: 'targets', expected: `${sizes.length} targets`, received: targets?.length });
  }
  targets.forEach((t, img) => {
    const { boxes, labels, masks } = t;
    if (boxes == null || boxes.length % 4 !== 0) {
      throw new ShapeMismatchError('boxes must hold 4 numbers per box', { field: `targets[${img}].boxes`, index: img, expected: '[G*4] xyxy', received: boxes?.length });
    }
    const g = boxes.length >> 2;
    if (labels == null || labels.length !== g) {
      throw new ShapeMismatchError('one label per box is required', { field: `targets[${img}].labels`, index: img, expected: `${g} labels`, received: labels?.length });
    }
    for (let i = 0; i < g; i++) {
      const [x1, y1, x2, y2] = [boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]];
      if (![x1, y1, x2, y2].every(Number.isFinite) || !(x2 > x1 && y2 > y1)) {
        throw new InvalidBoxError('All bounding boxes should have positive height and width', {
          field: `targets[${img}].boxes`,
          index: i,
          expected: 'finite xyxy pixels with x2 > x1 and y2 > y1',
          received: [x1, y1, x2, y2],
        });
      }
      const l = labels[i];
      if (!(Number.isInteger(l) && l >= 1 && l < numClasses)) {
        throw new InvalidLabelError('gt label out of range (0 is background)', { field: `targets[${img}].labels`, index: i, expected: `an integer in [1, ${numClasses - 1}]`, received: l });
      }
    }
    if (!withMasks) return;
    const [h, w] = sizes[img];
    if (masks == null || masks.length !== g) {
      throw new ShapeMismatchError('Mask R-CNN needs one mask per box', { field: `targets[${img}].masks`, index: img, expected: `${g} masks of ${h}×${w}`, received: masks?.length });
    }
    masks.forEach((m: Uint8Array, k: number) => {
      if (m == null || m.length !== h * w) {
        throw new ShapeMismatchError('mask does not match its image', { field: `targets[${img}].masks[${k}]`, index: k, expected: `${h}×${w} = ${h * w} values`, received: m?.length });
      }
    });
  });
}

/**
 * torchvision `GeneralizedRCNN.forward` in training mode (see {@link GeneralizedRCNN.loss}). The model must be in
 * training mode (the caller switches it).
 */
export function rcnnLoss(model: GeneralizedRCNN, images: RcnnImages, targets: readonly RcnnTarget[], { random }: RcnnLossOptions = {}): RcnnLossOutput {
  const original = imageSizes(images);
  const roi = model.roiHeads;
  const withMask = roi.hasMask();
  const numClasses = model.numClasses;
  checkRcnnTargets(targets, original, numClasses, withMask);
  return tf.tidy(() => {
    const { imageList, targets: resizedTargets } = model.transform.forward(images, targets);
    const resized = resizedTargets as RcnnTarget[];
    const sizes = imageList.imageSizes;
    const features = model.features(imageList.tensors);
    const rpn = model.rpn;
    // RPN: head outputs, proposals from detached (host) copies, anchor targets and losses.
    const head = rpn.headOutputs(imageList, features);
    const [n, a] = head.objectness.shape;
    const proposals = rpn.filterProposals(head.objectness.dataSync(), head.predBboxDeltas.dataSync(), head.anchors, sizes, head.numAnchorsPerLevel);
    const anchorTargets = rpnTargets(
      sizes.map(() => head.anchors),
      resized.map((t) => t.boxes),
      { fgIouThresh: rpn.fgIouThresh, bgIouThresh: rpn.bgIouThresh, batchSizePerImage: rpn.batchSizePerImage, positiveFraction: rpn.positiveFraction, random },
    );
    const rpnLosses = rpnLoss({
      objectness: tf.reshape(head.objectness, [n * a]),
      predBboxDeltas: tf.reshape(head.predBboxDeltas, [n * a, 4]),
      labels: anchorTargets.labels,
      regressionTargets: anchorTargets.regressionTargets,
    });
    // RoI heads: sampled proposals (gt boxes appended), box branch and its losses.
    const samples = selectTrainingSamples(proposals.boxes, resized, {
      fgIouThresh: roi.fgIouThresh,
      bgIouThresh: roi.bgIouThresh,
      batchSizePerImage: roi.batchSizePerImage,
      positiveFraction: roi.positiveFraction,
      weights: roi.boxCoder.weights,
      random,
      numClasses,
    });
    const all = concatRoiSamples(samples);
    const [classLogits, boxRegression] = roi.boxPredictions(
      features,
      samples.map((s) => s.proposals),
      sizes,
    );
    const box = fastrcnnLoss(classLogits, boxRegression, all.labels, all.regressionTargets);
    const parts: RcnnLossOutput['parts'] = {
      loss_classifier: box.lossClassifier,
      loss_box_reg: box.lossBoxReg,
    } as RcnnLossOutput['parts'];
    if (withMask) {
      // Mask branch on the positive samples only, targets projected from the resized gt masks.
      const positives = samples.map(positiveRoiSamples);
      if (positives.every((p) => p.labels.length === 0)) {
        // torchvision: `mask_logits.sum() * 0` over no RoI — a zero with zero gradients for the mask branch.
        const params = [...roi.get('mask_head').trainableParameters(), ...roi.get('mask_predictor').trainableParameters()];
        parts.loss_mask = (params.length === 0 ? tf.scalar(0) : tf.mul(tf.addN(params.map((p) => tf.sum(p))), 0)) as tf.Scalar;
      } else {
        const maskLogits = roi.maskLogits(
          features,
          positives.map((p) => p.proposals),
          sizes,
        );
        const gtMasks = resized.map((t, i) => ({ masks: t.masks ?? [], height: sizes[i][0], width: sizes[i][1] }));
        const { labels, targets: maskTargets } = maskTrainingTargets(samples, gtMasks, maskLogits.shape[1]);
        parts.loss_mask = maskrcnnLoss(maskLogits, labels, maskTargets);
      }
    }
    // torchvision's dict order: the RoI heads' losses, then the RPN's.
    parts.loss_objectness = rpnLosses.lossObjectness;
    parts.loss_rpn_box_reg = rpnLosses.lossRpnBoxReg;
    const loss = tf.addN(Object.values(parts)) as tf.Scalar;
    return { loss, parts };
  });
}
