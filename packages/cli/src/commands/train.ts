import { join } from 'node:path';
import { collateDetection, composeTransforms, DataLoader, type DetectionBatch, detectionDataset, photometricDistort, randomHorizontalFlip, resize, ssdTrainTransform, toPercentCoords, type Transform } from '@det/data';
import { evaluateVoc } from '@det/metrics';
import { type SsdConfig, saveSsd, buildSsd } from '@det/ssd';
import { initBackend, tf } from '@det/tfjs';
import { cosineLr, multiStepLr, train } from '@det/train';
import { loadVocDataset, VOC_CLASSES } from '@det/voc';
import { parseCommandArgs, positiveInteger, stringOption } from '../args';
import { type Command, UsageError } from '../command';
import { stepReporting } from '../step-reporting';
import { detectRecords } from '../detect-images';
import { trainInstance } from './train-instance';
import { trainSegmentation } from './train-segmentation';

const usage = `Usage: det train --data VOC_ROOT --out DIR [--task detection|segmentation|instance] [--model ssd7|ssd300_vgg16] [--size 300]
                 [--classes a,b,…] [--train-set train] [--val-set val] [--steps 2000] [--batch 16] [--lr 0.01]
                 [--momentum 0.9] [--weight-decay 5e-4] [--warmup 100] [--schedule multistep|cosine]
                 [--augment ssd|light] [--val-every 500] [--checkpoint-every 200] [--resume] [--seed 0]
                 [--backend wasm|cpu|tensorflow] [--no-progress]

Trains a detector on a VOC-layout dataset (Annotations/, JPEGImages/, ImageSets/Main/<set>.txt) with SGD,
validating VOC07 mAP@0.5 on --val-set. Writes DIR/model (config.json + model.safetensors, for det predict
and det eval --model), DIR/checkpoints (atomic; --resume continues from the newest complete one with the
optimizer state), DIR/loss.png and DIR/validation.png. Prints "mAP@0.5 (VOC07): <value>" at the end.
  --task        detection (default), segmentation (semantic) or instance (Mask R-CNN)
  segmentation: --model pspnet|fcn8s|fcn16s|fcn32s|fcn_resnet50|fcn_resnet101, --backbone resnet18…101 and
                --output-stride 8|16 (pspnet), --batch-norm (fcn*: VGG16-BN, trains from scratch),
                --classes (foreground; background is class 0); masks from
                SegmentationClass/, ImageSets/Segmentation/<set>.txt; validation reports mIoU and pixel accuracy.
  instance:     --model maskrcnn, --backbone resnet18…101 (default resnet50), --size 512 (shorter side),
                --fpn-channels 256 (fewer: smaller box and mask heads too), --classes (foreground); objects from
                Annotations/ + SegmentationObject/, ImageSets/Segmentation/<set>.txt; from scratch (BatchNorm),
                flip augmentation, gradients clipped at norm 10; validation reports COCO mask and box AP.
  --model       ssd7 (seed 000's small SSD, trains from scratch; default) or ssd300_vgg16
  --size        input side for ssd7 (default 300; ssd300_vgg16 is always 300)
  --augment     ssd: ssd.pytorch's SSDAugmentation (photometric, zoom-out, IoU crop, flip);
                light: photometric + flip (default: ssd)
  --schedule    multistep: lr × 0.1 at 2/3 and 8/9 of the steps (default); cosine: to 0`;

function numberOption(text: string | undefined, option: string, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(Number.isFinite(v) && v >= min)) throw new UsageError(`--${option} must be a number ≥ ${min}, got '${text}'`);
  return v;
}

/** `det train`: detector training with validation, checkpoints and plots. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a detector (SSD7 / SSD300), a segmenter (FCN / PSPNet) or Mask R-CNN on a VOC-layout dataset',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      task: { type: 'string' },
      model: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      size: { type: 'string' },
      classes: { type: 'string' },
      'train-set': { type: 'string' },
      'val-set': { type: 'string' },
      steps: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      momentum: { type: 'string' },
      'weight-decay': { type: 'string' },
      warmup: { type: 'string' },
      schedule: { type: 'string' },
      augment: { type: 'string' },
      'val-every': { type: 'string' },
      'checkpoint-every': { type: 'string' },
      resume: { type: 'boolean' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      'no-progress': { type: 'boolean' },
      backbone: { type: 'string' },
      'output-stride': { type: 'string' },
      'batch-norm': { type: 'boolean' },
      'fpn-channels': { type: 'string' },
    });
    const task = stringOption(values, 'task') ?? 'detection';
    if (task !== 'detection' && task !== 'segmentation' && task !== 'instance') throw new UsageError(`--task must be detection, segmentation or instance, got '${task}'`);
    const data = stringOption(values, 'data');
    const out = stringOption(values, 'out');
    if (!data || !out) throw new UsageError('--data and --out are needed');
    if (task === 'segmentation' || task === 'instance') {
      const steps = positiveInteger(stringOption(values, 'steps'), 'steps', 2000);
      return (task === 'segmentation' ? trainSegmentation : trainInstance)(values, io, {
        data,
        out,
        steps,
        batchSize: positiveInteger(stringOption(values, 'batch'), 'batch', task === 'segmentation' ? 8 : 2),
        lr: numberOption(stringOption(values, 'lr'), 'lr', task === 'segmentation' ? 0.01 : 0.02),
        warmup: numberOption(stringOption(values, 'warmup'), 'warmup', Math.min(100, Math.floor(steps / 10))),
        seed: numberOption(stringOption(values, 'seed'), 'seed', 0),
      });
    }
    const arch = stringOption(values, 'model') ?? 'ssd7';
    if (arch !== 'ssd7' && arch !== 'ssd300_vgg16') throw new UsageError(`--model must be ssd7 or ssd300_vgg16, got '${arch}'`);
    const size = arch === 'ssd300_vgg16' ? 300 : positiveInteger(stringOption(values, 'size'), 'size', 300);
    const classesText = stringOption(values, 'classes');
    const classes = classesText ? classesText.split(',').map((c) => c.trim()) : [...VOC_CLASSES];
    const steps = positiveInteger(stringOption(values, 'steps'), 'steps', 2000);
    const batchSize = positiveInteger(stringOption(values, 'batch'), 'batch', 16);
    const lr = numberOption(stringOption(values, 'lr'), 'lr', 0.01);
    const warmup = numberOption(stringOption(values, 'warmup'), 'warmup', Math.min(100, Math.floor(steps / 10)));
    const scheduleName = stringOption(values, 'schedule') ?? 'multistep';
    if (scheduleName !== 'multistep' && scheduleName !== 'cosine') throw new UsageError(`--schedule must be multistep or cosine, got '${scheduleName}'`);
    const augment = stringOption(values, 'augment') ?? 'ssd';
    if (augment !== 'ssd' && augment !== 'light') throw new UsageError(`--augment must be ssd or light, got '${augment}'`);
    const valEvery = positiveInteger(stringOption(values, 'val-every'), 'val-every', Math.max(1, Math.ceil(steps / 4)));
    const checkpointEvery = positiveInteger(stringOption(values, 'checkpoint-every'), 'checkpoint-every', Math.min(200, steps));
    const seed = numberOption(stringOption(values, 'seed'), 'seed', 0);

    const backend = await initBackend(stringOption(values, 'backend') as Parameters<typeof initBackend>[0]);
    const trainSet = await loadVocDataset(data, { set: stringOption(values, 'train-set') ?? 'train', classNames: classes, keepDifficult: false });
    const valSet = await loadVocDataset(data, { set: stringOption(values, 'val-set') ?? 'val', classNames: classes });
    io.stdout(`det train: ${arch} ${size}×${size}, ${classes.length} classes, ${trainSet.records.length} training / ${valSet.records.length} validation images, ${backend} backend`);

    const transform: Transform =
      augment === 'ssd' ? ssdTrainTransform({ size }) : composeTransforms(photometricDistort(), randomHorizontalFlip(), toPercentCoords(), resize(size));
    const loader = new DataLoader(detectionDataset(trainSet.records, { transform }), { batchSize, shuffle: true, dropLast: true, seed, collate: collateDetection });
    const config: SsdConfig = { family: 'ssd', arch, numClasses: classes.length + 1, imageSize: size, classes };
    const model = buildSsd(config);
    const schedule =
      scheduleName === 'cosine'
        ? cosineLr(lr, { totalSteps: steps, warmupSteps: warmup })
        : multiStepLr(lr, { milestones: [Math.round((steps * 2) / 3), Math.round((steps * 8) / 9)], warmupSteps: warmup });
    try {
      const result = await train<DetectionBatch>({
        model,
        loss: (b) => {
          const x = tf.tensor4d(b.images, [b.batchSize, b.height, b.width, 3]);
          const { loss, loc, conf } = model.computeLoss(
            x,
            b.boxes.map((boxes, i) => ({ boxes, labels: b.labels[i] })),
          );
          return { loss, parts: { loc, conf } };
        },
        batches: (epoch) => loader.epoch(epoch),
        batchSize: (b) => b.batchSize,
        maxSteps: steps,
        optimizer: { lr, momentum: numberOption(stringOption(values, 'momentum'), 'momentum', 0.9), weightDecay: numberOption(stringOption(values, 'weight-decay'), 'weight-decay', 5e-4) },
        schedule,
        checkpoint: { dir: join(out, 'checkpoints'), every: checkpointEvery },
        resume: Boolean(values.resume),
        validate: {
          every: valEvery,
          run: async (step) => {
            const images = await detectRecords(model, valSet.records, { scoreThreshold: 0.01 });
            const mAP = evaluateVoc(images, { metric: 'voc07' }).mAP;
            io.stdout(`validation at step ${step}: mAP@0.5 (VOC07) ${mAP.toFixed(4)}`);
            return { mAP };
          },
        },
        ...stepReporting(values, io, { parts: true }),
        plots: { dir: out },
        describeBatch: (b) => `a batch of ${b.batchSize} images`,
      });
      await saveSsd(join(out, 'model'), model, config);
      const last = result.validations[result.validations.length - 1];
      const seconds = result.history.reduce((s, h) => s + h.ms, 0) / 1000;
      io.stdout(`trained ${result.step} steps (${seconds.toFixed(0)} s of steps); model saved to ${join(out, 'model')}`);
      if (last) io.stdout(`mAP@0.5 (VOC07): ${last.metrics.mAP.toFixed(4)}`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
