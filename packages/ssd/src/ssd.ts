import { type DefaultBoxConfig, boxesPerLocation, defaultBoxes } from '@det/anchors';
import { type CodecOptions, encodeBatch, resolveCodecOptions, type TargetTruth } from '@det/codec';
import { decodeBoxes } from '@det/codec/tfjs';
import { type Detections, InvalidConfigError, ShapeMismatchError } from '@det/core';
import { type MulticlassNmsOptions, multiclassNms } from '@det/nms';
import { type LoadStateDictOptions, type LoadStateDictResult, Module, type StateDict } from '@det/nn';
import { tf } from '@det/tfjs';
import { SSDHead } from './head';
import { type MultiBoxLossOptions, type MultiBoxLossResult, multiBoxLoss } from './multibox-loss';
import { type InputNormalization, type PixelImage, preprocessImages } from './preprocess';
import { fromSsdPytorch } from './ssd-pytorch-keys';
import type { SsdBackbone } from './with-extras';

/** ImageNet RGB mean/std in 0–255 units (torchvision's normalisation). */
export const IMAGENET_NORMALIZATION: InputNormalization = Object.freeze({ mean: [123.675, 116.28, 103.53] as const, std: [58.395, 57.12, 57.375] as const });

export interface SsdOptions {
  /** Base net (+ extras) giving one map per default-box layer: a Module that is a FeatureExtractor. */
  backbone: SsdBackbone;
  /** Default boxes (@det/anchors), one layer per backbone map; `imageSize` is the model's input side. */
  defaultBoxes: DefaultBoxConfig;
  /** Classes including background (column 0): VOC 21, COCO 91 (torchvision) or 81. */
  numClasses: number;
  /** Offset normalisation (default ssd.pytorch variance [0.1, 0.2] = torchvision weights (10, 10, 5, 5)). */
  coder?: CodecOptions;
  /** Prior matching IoU threshold (default 0.5). */
  matchThreshold?: number;
  /** Input normalisation used by `predict` on images (default ImageNet's). */
  normalization?: InputNormalization;
}

export interface SsdOutput {
  /** [N, P, 4] encoded box offsets, one row per default box. */
  loc: tf.Tensor3D;
  /** [N, P, C] class logits, column 0 = background. */
  conf: tf.Tensor3D;
}

export interface PredictOptions extends MulticlassNmsOptions {
  /**
   * Original sizes of tensor inputs, to return pixel boxes (for image inputs their own sizes are used).
   * Without it, tensor inputs give boxes in the model input's pixels.
   */
  imageSizes?: readonly { width: number; height: number }[];
}

/** Ground truth of one training image: `boxes` [M*4] xyxy normalised to [0, 1], `labels` [M] 0-based foreground classes. */
export type SsdTruth = TargetTruth;

/**
 * Single Shot MultiBox Detector assembled from parts, with torchvision's module names (`backbone`, `head`), so
 * `ssd300_vgg16` state dicts load by key. Input: NHWC [N, S, S, 3] normalised images, S = `defaultBoxes.imageSize`.
 */
export class SSD extends Module<[tf.Tensor], SsdOutput> {
  readonly numClasses: number;
  readonly boxConfig: DefaultBoxConfig;
  /** Default boxes [P*4], centroid form `cxcywh`, normalised (the rows of `loc`/`conf`). */
  readonly priors: Float32Array;
  readonly coder: Required<CodecOptions>;
  readonly matchThreshold: number;
  readonly normalization: InputNormalization;

  constructor({ backbone, defaultBoxes: boxConfig, numClasses, coder = {}, matchThreshold = 0.5, normalization = IMAGENET_NORMALIZATION }: SsdOptions) {
    super();
    if (!Number.isInteger(numClasses) || numClasses < 2) {
      throw new InvalidConfigError('numClasses counts background too: at least 2', { field: 'numClasses', expected: 'an integer ≥ 2', received: numClasses });
    }
    const perLocation = boxesPerLocation(boxConfig);
    if (backbone.featureMaps.length !== perLocation.length) {
      throw new InvalidConfigError('the backbone and the default boxes disagree on the number of source maps', {
        field: 'defaultBoxes.featureMaps',
        expected: `${backbone.featureMaps.length} maps (${backbone.featureMaps.map((f) => f.name).join(', ')})`,
        received: perLocation.length,
      });
    }
    this.numClasses = numClasses;
    this.boxConfig = boxConfig;
    this.priors = defaultBoxes(boxConfig);
    this.coder = resolveCodecOptions(coder);
    this.matchThreshold = matchThreshold;
    this.normalization = normalization;
    this.registerModule('backbone', backbone);
    this.registerModule(
      'head',
      new SSDHead(
        backbone.featureMaps.map((f) => f.channels),
        perLocation,
        numClasses,
      ),
    );
  }

  get backbone(): SsdBackbone {
    return this.get<SsdBackbone>('backbone');
  }

  get head(): SSDHead {
    return this.get<SSDHead>('head');
  }

  /**
   * Loads a state dict by key. `source`: `'det'` (ours), `'torchvision'` (a torchvision `ssd300_vgg16` state dict,
   * PyTorch layouts converted), or `'ssd.pytorch'` (amdegroot/ssd.pytorch SSD300 or pytorch-ssd7 keys — `vgg.*`,
   * `L2Norm.weight`, `extras.*`, `base.*`, `loc.*`, `conf.*` — renamed with {@link fromSsdPytorch}, then as torchvision).
   */
  override loadStateDict(
    dict: StateDict | Record<string, tf.Tensor>,
    options: Omit<LoadStateDictOptions, 'source'> & { source?: LoadStateDictOptions['source'] | 'ssd.pytorch' } = {},
  ): LoadStateDictResult {
    if (options.source === 'ssd.pytorch') return super.loadStateDict(fromSsdPytorch(dict), { ...options, source: 'torchvision' });
    return super.loadStateDict(dict, options as LoadStateDictOptions);
  }

  /** Number of default boxes P. */
  get numPriors(): number {
    return this.priors.length / 4;
  }

  /**
   * x [N, S, S, 3] normalised → raw `{ loc [N, P, 4], conf [N, P, C] }`. `training` sets the mode for this call
   * (BatchNorm batch statistics, dropout); default: the module's current mode.
   */
  forward(x: tf.Tensor, { training }: { training?: boolean } = {}): SsdOutput {
    const s = this.boxConfig.imageSize;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 3) {
      throw new ShapeMismatchError('SSD input must be [N, S, S, 3] at the default boxes’ image size', { field: 'x', expected: `[N, ${s}, ${s}, 3]`, received: x.shape });
    }
    const previous = this.training;
    if (training !== undefined && training !== previous) this.train(training);
    try {
      return tf.tidy(() => {
        const features = this.backbone.forwardFeatures(x as tf.Tensor4D);
        features.forEach((f, i) => {
          const want = this.boxConfig.featureMaps[i];
          if (f.shape[1] !== want || f.shape[2] !== want) {
            throw new ShapeMismatchError(`source map ${i} (${this.backbone.featureMaps[i].name}) does not match the default boxes`, {
              field: `defaultBoxes.featureMaps[${i}]`,
              expected: `${f.shape[1]}×${f.shape[2]} (the map the backbone produced)`,
              received: want,
            });
          }
        });
        return this.head.forward(features);
      });
    } finally {
      if (training !== undefined && training !== previous) this.train(previous);
    }
  }

  /**
   * MultiBox loss of a batch: forward in training mode, match + encode the truths against the priors
   * (@det/codec `encodeBatch`), then {@link multiBoxLoss}. Call inside `tf.variableGrads`.
   */
  computeLoss(x: tf.Tensor, truths: readonly SsdTruth[], options: MultiBoxLossOptions = {}): MultiBoxLossResult {
    if (truths.length !== x.shape[0]) {
      throw new ShapeMismatchError('one truth per image is needed', { field: 'truths', expected: `${x.shape[0]} entries`, received: truths.length });
    }
    const targets = encodeBatch(truths, this.priors, { threshold: this.matchThreshold, numClasses: this.numClasses - 1, ...this.coder });
    const { loc, conf } = this.forward(x);
    try {
      return multiBoxLoss(loc, conf, targets, options);
    } finally {
      tf.dispose([loc, conf]);
    }
  }

  /**
   * Detections per image: eval-mode forward, softmax, decoding with the priors, per-class NMS
   * (defaults: ssd.pytorch's `Detect`, score > 0.01, NMS 0.45, 200 per class; `topK` 200 per image).
   * `images`: RGB pixel images (resized and normalised here) or a ready input batch [N, S, S, 3].
   * Boxes are `xyxy` in each image's pixels, clipped to the image (as torchvision); labels 0-based foreground classes.
   */
  predict(images: readonly PixelImage[] | tf.Tensor4D, options: PredictOptions = {}): Detections[] {
    const { imageSizes, ...nmsOptions } = options;
    const isTensor = images instanceof tf.Tensor;
    const s = this.boxConfig.imageSize;
    const sizes = isTensor ? (imageSizes ?? Array.from({ length: images.shape[0] }, () => ({ width: s, height: s }))) : images.map((im) => ({ width: im.width, height: im.height }));
    if (sizes.length !== (isTensor ? images.shape[0] : images.length)) {
      throw new ShapeMismatchError('one image size per input image is needed', { field: 'imageSizes', expected: `${isTensor ? images.shape[0] : images.length}`, received: sizes.length });
    }
    const wasTraining = this.training;
    this.eval();
    try {
      const [boxes, scores] = tf.tidy(() => {
        const x = isTensor ? images : preprocessImages(images, s, this.normalization);
        const { loc, conf } = this.forward(x);
        return [decodeBoxes(loc, this.priors, this.coder), tf.softmax(conf)];
      });
      const boxData = boxes.dataSync();
      const scoreData = scores.dataSync();
      tf.dispose([boxes, scores]);
      const p = this.numPriors;
      const c = this.numClasses;
      return sizes.map(({ width, height }, i) => {
        const det = multiclassNms(boxData.subarray(i * p * 4, (i + 1) * p * 4), scoreData.subarray(i * p * c, (i + 1) * p * c), {
          candidatesPerClass: 200,
          maxPerClass: 200,
          topK: 200,
          ...nmsOptions,
        });
        // Clipped to the image, as torchvision's postprocess does (ssd.pytorch leaves boxes unclipped).
        for (let j = 0; j < det.boxes.length; j += 4) {
          det.boxes[j] = clamp01(det.boxes[j]) * width;
          det.boxes[j + 1] = clamp01(det.boxes[j + 1]) * height;
          det.boxes[j + 2] = clamp01(det.boxes[j + 2]) * width;
          det.boxes[j + 3] = clamp01(det.boxes[j + 3]) * height;
        }
        return det;
      });
    } finally {
      this.train(wasTraining);
    }
  }
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
