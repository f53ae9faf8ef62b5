// The instance-segmentation pipeline of this example, from the packages: VOC Annotations + SegmentationObject masks
// (@det/voc, decoded by @det/cli's loadVocInstances into Mask R-CNN targets) → a small Mask R-CNN built from
// torchvision-named parts (@det/mask-rcnn buildMaskRcnn: ResNet-18 from @det/backbones, FPN, RPN, RoI heads) trained
// with torchvision's losses by @det/train's SGD loop → COCO mask and box AP from @det/metrics.
import { drawInstances as drawOnImage, evaluateInstances, instanceBatches, loadVocInstances } from '@det/cli';
import { createRandom } from '@det/core';
import { buildMaskRcnn } from '@det/mask-rcnn';
import { cosineLr, train } from '@det/train';

// Loading and scoring come from @det/cli's library exports: loadVocInstances (images in [0, 1] + Mask R-CNN targets)
// and evaluateInstances (COCO mask 'segm' and box 'bbox' AP, difficult objects ignored; detections of the first `keep` images).
export { evaluateInstances as scoreMaskRcnn, loadVocInstances as loadInstances };

/**
 * The example's model: Mask R-CNN on ResNet-18 (BatchNorm2d, every layer trainable, from scratch) with a 64-channel FPN
 * on layer2–layer4 (strides 8, 16, 32) + LastLevelMaxPool (64), one anchor size per level (32, 64, 128, 256) × ratios
 * 0.5/1/2, TwoMLPHead(64·7·7, 256), a mask head of two 64-wide convs; `size`-pixel images are not resized.
 */
export function modelConfig(classNames, size = 256) {
  return {
    family: 'mask-rcnn',
    numClasses: classNames.length + 1,
    backbone: 'resnet18',
    imageSize: size,
    returnedLayers: [2, 3, 4],
    fpnChannels: 64,
    anchorSizes: [32, 64, 128, 256],
    representationSize: 256,
    maskLayers: [64, 64],
    rpnPreNmsTopNTrain: 600,
    rpnPostNmsTopNTrain: 300,
    rpnPreNmsTopNTest: 300,
    rpnPostNmsTopNTest: 100,
    boxBatchSizePerImage: 128,
    boxDetectionsPerImg: 20,
    classes: ['background', ...classNames],
  };
}

export function buildModel(classNames, size = 256) {
  return buildMaskRcnn(modelConfig(classNames, size));
}

/**
 * Trains `model` on `samples` (from loadInstances) with torchvision's detection recipe: SGD momentum 0.9, weight decay
 * 1e-4, linear warmup then cosine decay, gradient-norm clipping at 10 (from scratch the first steps' RPN losses
 * spike), random horizontal flips. Returns @det/train's result.
 */
export async function trainMaskRcnn(model, samples, { batchSize, steps, lr, seed = 0, warmupSteps = 50, validate, onStep, progress = false }) {
  const random = createRandom(seed);
  return train({
    model,
    loss: (batch) => model.loss(batch.images, batch.targets, { random }),
    batches: () => instanceBatches(samples, batchSize, random),
    batchSize: (batch) => batch.targets.length,
    maxSteps: steps,
    optimizer: { lr, momentum: 0.9, weightDecay: 1e-4 },
    schedule: cosineLr(lr, { totalSteps: steps, warmupSteps: Math.min(warmupSteps, steps) }),
    clipGradNorm: 10,
    validate,
    onStep,
    progress,
  });
}


/** PNG bytes of `image` (RGB in [0, 1]) with the detections' masks (translucent), boxes and "class score" tags drawn. */
export function drawInstances(image, detections, classNames) {
  return drawOnImage({ ...image, scale: 255 }, detections, classNames);
}
