import { join } from 'node:path';
import { createRandom } from '@det/core';
import { chance, flipInstancesHorizontal, shuffleInPlace } from '@det/data';
import { buildMaskRcnn, type MaskRcnnConfig, RESNET_NAMES, type RcnnImages, type RcnnTarget, saveMaskRcnn } from '@det/mask-rcnn';
import { initBackend } from '@det/tfjs';
import { cosineLr, multiStepLr, train } from '@det/train';
import { type OptionValues, positiveInteger, stringOption } from '../args';
import { type CommandIO, UsageError } from '../command';
import { stepReporting } from '../step-reporting';
import { evaluateInstances, type InstanceSample, loadVocInstances } from '../instances';

/** Shuffled batches of one epoch (seeded), each image flipped horizontally with probability 0.5. */
export function* instanceBatches(samples: readonly InstanceSample[], batchSize: number, random: () => number): Generator<{ images: RcnnImages; targets: RcnnTarget[] }> {
  const order = samples.map((_, i) => i);
  shuffleInPlace(order, random);
  for (let b = 0; b + batchSize <= order.length; b += batchSize) {
    const picked = order.slice(b, b + batchSize).map((i) => (chance(random) ? flipInstancesHorizontal(samples[i].image, samples[i].target) : samples[i]));
    yield { images: picked.map((s) => s.image), targets: picked.map((s) => s.target) };
  }
}

/**
 * `det train --task instance`: Mask R-CNN (ResNet-FPN, @det/mask-rcnn `buildMaskRcnn`) on VOC `SegmentationObject`
 * masks + `Annotations/`, from scratch (BatchNorm2d), torchvision's losses; validation reports COCO mask and box AP.
 */
export async function trainInstance(values: OptionValues, io: CommandIO, common: { data: string; out: string; steps: number; batchSize: number; lr: number; warmup: number; seed: number }): Promise<number> {
  const arch = stringOption(values, 'model') ?? 'maskrcnn';
  if (arch !== 'maskrcnn') throw new UsageError(`--model for instance segmentation must be maskrcnn, got '${arch}'`);
  const backbone = (stringOption(values, 'backbone') ?? 'resnet50') as NonNullable<MaskRcnnConfig['backbone']>;
  if (!RESNET_NAMES.includes(backbone)) throw new UsageError(`--backbone must be one of ${RESNET_NAMES.join(', ')}, got '${backbone}'`);
  const size = positiveInteger(stringOption(values, 'size'), 'size', 512);
  const fpnChannels = positiveInteger(stringOption(values, 'fpn-channels'), 'fpn-channels', 256);
  const classesText = stringOption(values, 'classes');
  if (!classesText) throw new UsageError('--classes is needed for instance segmentation (foreground names; background is class 0)');
  const foreground = classesText.split(',').map((c) => c.trim());
  const { data, out, steps, batchSize, lr, warmup, seed } = common;
  const backend = await initBackend(stringOption(values, 'backend') as Parameters<typeof initBackend>[0]);
  const trainSet = await loadVocInstances(data, { set: stringOption(values, 'train-set') ?? 'train', classNames: foreground });
  const valSet = await loadVocInstances(data, { set: stringOption(values, 'val-set') ?? 'val', classNames: foreground });
  const config: MaskRcnnConfig = {
    family: 'mask-rcnn',
    numClasses: foreground.length + 1,
    backbone,
    imageSize: size,
    fpnChannels,
    classes: ['background', ...foreground],
  };
  if (fpnChannels !== 256) Object.assign(config, { representationSize: 4 * fpnChannels, maskLayers: [fpnChannels, fpnChannels] });
  const model = buildMaskRcnn(config);
  io.stdout(
    `det train: Mask R-CNN (${backbone}-FPN, ${fpnChannels} channels) ${size} px, ${config.numClasses} classes, ${trainSet.length} training / ${valSet.length} validation images, ${backend} backend`,
  );
  const random = createRandom(seed);
  const scheduleName = stringOption(values, 'schedule') ?? 'multistep';
  const schedule = scheduleName === 'cosine' ? cosineLr(lr, { totalSteps: steps, warmupSteps: warmup }) : multiStepLr(lr, { milestones: [Math.round(steps * 0.75)], warmupSteps: warmup });
  try {
    const result = await train({
      model,
      loss: (b: { images: RcnnImages; targets: RcnnTarget[] }) => model.loss(b.images, b.targets, { random }),
      batches: () => instanceBatches(trainSet, batchSize, random),
      batchSize: (b) => b.targets.length,
      maxSteps: steps,
      optimizer: { lr, momentum: 0.9, weightDecay: Number(stringOption(values, 'weight-decay') ?? 1e-4) },
      schedule,
      clipGradNorm: 10,
      checkpoint: { dir: join(out, 'checkpoints'), every: positiveInteger(stringOption(values, 'checkpoint-every'), 'checkpoint-every', Math.min(200, steps)) },
      resume: Boolean(values.resume),
      validate: {
        every: positiveInteger(stringOption(values, 'val-every'), 'val-every', Math.max(1, Math.ceil(steps / 4))),
        run: (step) => {
          const { segm, bbox } = evaluateInstances(model, valSet, { classNames: foreground });
          io.stdout(`validation at step ${step}: mask AP@0.5 ${segm.stats[1].toFixed(4)}, mask AP ${segm.stats[0].toFixed(4)}, box AP@0.5 ${bbox.stats[1].toFixed(4)}`);
          return { maskAP50: segm.stats[1], maskAP: segm.stats[0], boxAP50: bbox.stats[1] };
        },
      },
      ...stepReporting(values, io, { parts: true }),
      plots: { dir: out },
    });
    await saveMaskRcnn(join(out, 'model'), model, config);
    const last = result.validations[result.validations.length - 1];
    io.stdout(`trained ${result.step} steps; model saved to ${join(out, 'model')}`);
    if (last) io.stdout(`mask AP@0.5: ${last.metrics.maskAP50.toFixed(4)} (box AP@0.5 ${last.metrics.boxAP50.toFixed(4)})`);
    return 0;
  } finally {
    model.dispose();
  }
}
