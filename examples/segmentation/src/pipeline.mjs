// The segmentation pipeline of this example, from the packages: VOC SegmentationClass masks (@det/voc) → joint
// image/mask augmentation and batching (@det/data) → PSPNet or FCN-8s (@det/segmentation) trained with per-pixel
// cross entropy (+ 0.4 × the auxiliary head's) by @det/train's SGD loop → mIoU from @det/metrics' ConfusionMatrix.
import { collateSegmentation, DataLoader, segmentationDataset, segmentationEvalTransform, segmentationTrainTransform } from '@det/data';
import { ConfusionMatrix } from '@det/metrics';
import { fcn8s, PSPNET_AUX_WEIGHT, pixelCrossEntropy, pspnet } from '@det/segmentation';
import { tf } from '@det/tfjs';
import { cosineLr, train } from '@det/train';

/**
 * The two models of the example, from scratch: PSPNet on a dilated ResNet-18 (output stride 8, bins 1-2-3-6, aux head
 * on layer3) or FCN-8s on VGG16 with BatchNorm (torchvision `vgg16_bn` features; BN lets it train without ImageNet weights).
 */
export function buildModel(arch, numClasses) {
  if (arch === 'pspnet') return pspnet({ numClasses, backbone: 'resnet18', outputStride: 8, auxLoss: true });
  if (arch === 'fcn8s') return fcn8s({ numClasses, batchNorm: true });
  throw new Error(`arch must be 'pspnet' or 'fcn8s', got '${arch}'`);
}

/** Cross entropy of the main logits (+ PSPNet's auxiliary head at weight 0.4) for a SegmentationBatch. */
export function segmentationLoss(model, batch) {
  const x = tf.tensor4d(batch.images, [batch.batchSize, batch.height, batch.width, 3]);
  const { out, aux } = model.forward(x, { training: true });
  const main = pixelCrossEntropy(out, batch.masks);
  if (!aux) return { loss: main };
  const auxLoss = pixelCrossEntropy(aux, batch.masks);
  return { loss: tf.add(main, tf.mul(auxLoss, PSPNET_AUX_WEIGHT)), parts: { main, aux: auxLoss } };
}

/**
 * Trains `model` on `records` (@det/voc segmentation records) with random scale 0.75–1.25, crop to `size`, flip and
 * colour jitter; SGD momentum 0.9, weight decay 1e-4, cosine schedule with warmup. Returns @det/train's result.
 */
export async function trainSegmenter(model, records, { size, batchSize, steps, lr, seed = 0, validate, onStep, progress = false }) {
  const loader = new DataLoader(segmentationDataset(records, { transform: segmentationTrainTransform({ size, scale: [0.75, 1.25] }) }), {
    batchSize,
    shuffle: true,
    dropLast: true,
    seed,
    collate: (samples) => collateSegmentation(samples),
  });
  return train({
    model,
    loss: (batch) => segmentationLoss(model, batch),
    batches: (epoch) => loader.epoch(epoch),
    batchSize: (batch) => batch.batchSize,
    maxSteps: steps,
    optimizer: { lr, momentum: 0.9, weightDecay: 1e-4 },
    schedule: cosineLr(lr, { totalSteps: steps, warmupSteps: Math.min(20, steps) }),
    validate,
    onStep,
    progress,
  });
}

/**
 * Pixel accuracy, per-class IoU and mIoU of `model` (eval mode) on `records` resized to `size` (masks nearest; label
 * 255 ignored), plus the predicted class maps of the first `keep` images.
 */
export async function scoreSegmenter(model, records, { size, numClasses, keep = 0 }) {
  const dataset = segmentationDataset(records, { transform: segmentationEvalTransform({ size }) });
  const matrix = new ConfusionMatrix(numClasses);
  const predictions = [];
  const wasTraining = model.training;
  model.eval();
  try {
    for (let i = 0; i < dataset.length; i++) {
      const batch = collateSegmentation([await dataset.get(i, () => 0.5)]);
      const classes = tf.tidy(() => tf.argMax(model.forward(tf.tensor4d(batch.images, [1, batch.height, batch.width, 3])).out, 3));
      const data = Uint8Array.from(classes.dataSync());
      classes.dispose();
      matrix.update(data, batch.masks);
      if (i < keep) predictions.push({ id: records[i].id, width: batch.width, height: batch.height, data });
    }
  } finally {
    model.train(wasTraining);
  }
  return { ...matrix.compute(), predictions };
}
