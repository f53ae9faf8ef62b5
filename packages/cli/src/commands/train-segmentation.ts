import { join } from 'node:path';
import { collateSegmentation, DataLoader, type SegmentationBatch, segmentationDataset, segmentationEvalTransform, segmentationTrainTransform } from '@det/data';
import { ConfusionMatrix } from '@det/metrics';
import { buildSegmentation, PSPNET_AUX_WEIGHT, pixelCrossEntropy, type SegmentationConfig, type SegmentationModel, saveSegmentation } from '@det/segmentation';
import { initBackend, tf } from '@det/tfjs';
import { cosineLr, multiStepLr, train } from '@det/train';
import { loadVocSegmentation } from '@det/voc';
import { type OptionValues, positiveInteger, stringOption } from '../args';
import { type CommandIO, UsageError } from '../command';
import { stepReporting } from '../step-reporting';

const ARCHS = ['pspnet', 'fcn8s', 'fcn16s', 'fcn32s', 'fcn_resnet50', 'fcn_resnet101'] as const;
const BACKBONES = ['resnet18', 'resnet34', 'resnet50', 'resnet101'] as const;

/** Pixel accuracy and mIoU of `model` over a dataset (eval transform at `size`), one image at a time. */
export async function evaluateSegmentation(model: SegmentationModel, dataset: ReturnType<typeof segmentationDataset>, numClasses: number) {
  const matrix = new ConfusionMatrix(numClasses);
  const wasTraining = model.training;
  model.eval();
  try {
    for (let i = 0; i < dataset.length; i++) {
      const b = collateSegmentation([await dataset.get(i, () => 0.5)]);
      const pred = tf.tidy(() => tf.argMax(model.forward(tf.tensor4d(b.images, [1, b.height, b.width, 3])).out, 3));
      matrix.update(pred.dataSync(), b.masks);
      pred.dispose();
    }
  } finally {
    model.train(wasTraining);
  }
  return matrix.compute();
}

/** `det train --task segmentation`: FCN / PSPNet on VOC SegmentationClass masks. */
export async function trainSegmentation(values: OptionValues, io: CommandIO, common: { data: string; out: string; steps: number; batchSize: number; lr: number; warmup: number; seed: number }): Promise<number> {
  const arch = (stringOption(values, 'model') ?? 'pspnet') as SegmentationConfig['arch'];
  if (!ARCHS.includes(arch)) throw new UsageError(`--model for segmentation must be one of ${ARCHS.join(', ')}, got '${arch}'`);
  const backbone = (stringOption(values, 'backbone') ?? 'resnet50') as NonNullable<SegmentationConfig['backbone']>;
  if (!BACKBONES.includes(backbone)) throw new UsageError(`--backbone must be one of ${BACKBONES.join(', ')}, got '${backbone}'`);
  const outputStride = Number(stringOption(values, 'output-stride') ?? 8);
  if (outputStride !== 8 && outputStride !== 16) throw new UsageError(`--output-stride must be 8 or 16, got '${outputStride}'`);
  const size = positiveInteger(stringOption(values, 'size'), 'size', arch.startsWith('fcn') && !arch.includes('resnet') ? 224 : 256);
  const classesText = stringOption(values, 'classes');
  if (!classesText) throw new UsageError('--classes is needed for segmentation (foreground names; background is class 0)');
  const classes = ['background', ...classesText.split(',').map((c) => c.trim())];
  const { data, out, steps, batchSize, lr, warmup, seed } = common;
  const backend = await initBackend(stringOption(values, 'backend') as Parameters<typeof initBackend>[0]);
  const trainSet = await loadVocSegmentation(data, { set: stringOption(values, 'train-set') ?? 'train', classNames: classes.slice(1) });
  const valSet = await loadVocSegmentation(data, { set: stringOption(values, 'val-set') ?? 'val', classNames: classes.slice(1) });
  const config: SegmentationConfig = { family: 'segmentation', arch, numClasses: classes.length, imageSize: size, classes, auxLoss: arch !== 'fcn8s' && arch !== 'fcn16s' && arch !== 'fcn32s' };
  if (arch === 'pspnet') Object.assign(config, { backbone, outputStride });
  if (arch.startsWith('fcn') && !arch.includes('resnet') && values['batch-norm']) config.batchNorm = true;
  const model = buildSegmentation(config);
  io.stdout(`det train: ${arch}${arch === 'pspnet' ? ` (${backbone}, output stride ${outputStride})` : ''} ${size}×${size}, ${classes.length} classes, ${trainSet.records.length} training / ${valSet.records.length} validation images, ${backend} backend`);
  const loader = new DataLoader(segmentationDataset(trainSet.records, { transform: segmentationTrainTransform({ size, scale: [0.75, 1.25] }) }), {
    batchSize,
    shuffle: true,
    dropLast: true,
    seed,
    collate: (s) => collateSegmentation(s),
  });
  const valData = segmentationDataset(valSet.records, { transform: segmentationEvalTransform({ size }) });
  const scheduleName = stringOption(values, 'schedule') ?? 'multistep';
  const schedule = scheduleName === 'cosine' ? cosineLr(lr, { totalSteps: steps, warmupSteps: warmup }) : multiStepLr(lr, { milestones: [Math.round(steps * 0.75)], warmupSteps: warmup });
  try {
    const result = await train<SegmentationBatch>({
      model,
      loss: (b) => {
        const x = tf.tensor4d(b.images, [b.batchSize, b.height, b.width, 3]);
        const { out: logits, aux } = model.forward(x);
        const main = pixelCrossEntropy(logits, b.masks);
        if (!aux) return { loss: main };
        const auxLoss = pixelCrossEntropy(aux, b.masks);
        return { loss: tf.add(main, tf.mul(auxLoss, PSPNET_AUX_WEIGHT)) as tf.Scalar, parts: { main, aux: auxLoss } };
      },
      batches: (epoch) => loader.epoch(epoch),
      batchSize: (b) => b.batchSize,
      maxSteps: steps,
      optimizer: { lr, momentum: 0.9, weightDecay: Number(stringOption(values, 'weight-decay') ?? 1e-4) },
      schedule,
      checkpoint: { dir: join(out, 'checkpoints'), every: positiveInteger(stringOption(values, 'checkpoint-every'), 'checkpoint-every', Math.min(200, steps)) },
      resume: Boolean(values.resume),
      validate: {
        every: positiveInteger(stringOption(values, 'val-every'), 'val-every', Math.max(1, Math.ceil(steps / 4))),
        run: async (step) => {
          const s = await evaluateSegmentation(model, valData, classes.length);
          io.stdout(`validation at step ${step}: mIoU ${s.mIoU.toFixed(4)}, pixel accuracy ${s.pixelAccuracy.toFixed(4)}`);
          return { mIoU: s.mIoU, pixelAccuracy: s.pixelAccuracy };
        },
      },
      ...stepReporting(values, io),
      plots: { dir: out },
    });
    await saveSegmentation(join(out, 'model'), model, config);
    const last = result.validations[result.validations.length - 1];
    io.stdout(`trained ${result.step} steps; model saved to ${join(out, 'model')}`);
    if (last) io.stdout(`mIoU: ${last.metrics.mIoU.toFixed(4)} (pixel accuracy ${last.metrics.pixelAccuracy.toFixed(4)})`);
    return 0;
  } finally {
    model.dispose();
  }
}
