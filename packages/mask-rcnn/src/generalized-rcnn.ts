import { InvalidConfigError } from '@det/core';
import { type AnyModule, Module, type SetModuleOptions } from '@det/nn';
import { tf } from '@det/tfjs';
import type { FeatureDict } from './feature-dict';
import type { ImageList } from './image-list';
import { imageSizes, type RcnnImages } from './images';
import { ROI_HEADS_CHILDREN, type RoIHeads } from './roi-heads';
import type { RegionProposalNetwork } from './rpn';
import { type RcnnLossOptions, type RcnnLossOutput, rcnnLoss } from './rcnn-loss';
import type { GeneralizedRCNNTransform, PostprocessOptions, RcnnDetections, RcnnTarget } from './transform';

/** A backbone for the R-CNN models: NHWC images → named feature maps (or one map, named '0'), `outChannels` each. */
export type RcnnBackbone = Module<[tf.Tensor], FeatureDict | tf.Tensor4D> & { readonly outChannels: number };

/** Options of the models' `forward`. */
export interface DetectOptions extends PostprocessOptions {
  /** Mode for this call (default: the module's mode). Detections need evaluation mode: `model.eval()` or `{ training: false }`. */
  training?: boolean;
}

const ROOT_CHILDREN = ['transform', 'backbone', 'rpn', 'roi_heads'];

/**
 * torchvision `GeneralizedRCNN`: children `transform`, `backbone`, `rpn`, `roi_heads` (state-dict keys
 * `backbone.body.…`, `rpn.head.…`, `roi_heads.box_head.…`, as torchvision's). Evaluation `forward(images)` →
 * {@link RcnnDetections} per image, boxes in each original image's pixels. The steps are public for inspection:
 * `transform.forward` → `features` → `rpn.forward` (or `rpn.headOutputs` + `rpn.filterProposals`) → `roiHeads.forward`
 * (or `boxPredictions`, `postprocessDetections`, `maskLogits`) → `transform.postprocess`.
 */
export abstract class GeneralizedRCNN extends Module<[RcnnImages, DetectOptions?], RcnnDetections[]> {
  constructor(backbone: RcnnBackbone, rpn: RegionProposalNetwork, roiHeads: RoIHeads, transform: GeneralizedRCNNTransform) {
    super();
    this.registerModule('transform', transform);
    this.registerModule('backbone', backbone);
    this.registerModule('rpn', rpn);
    this.registerModule('roi_heads', roiHeads);
  }

  get transform(): GeneralizedRCNNTransform {
    return this.get('transform');
  }

  get backbone(): RcnnBackbone {
    return this.get('backbone');
  }

  get rpn(): RegionProposalNetwork {
    return this.get('rpn');
  }

  get roiHeads(): RoIHeads {
    return this.get('roi_heads');
  }

  /** Classes including background, as the box predictor outputs them. */
  get numClasses(): number {
    const predictor = this.roiHeads.get('box_predictor') as AnyModule & { numClasses?: number };
    return predictor.numClasses ?? Number.NaN;
  }

  /** Backbone (+ FPN) maps of a batch (`imageList.tensors`); the caller disposes them. */
  features(x: tf.Tensor4D): FeatureDict {
    const out = this.backbone.forward(x);
    return out instanceof tf.Tensor ? { '0': out as tf.Tensor4D } : out;
  }

  /**
   * Detections for `images` (RGB floats in [0, 1]; see {@link RcnnImages}) in evaluation mode: per image boxes `xyxy`
   * in its original pixels, scores, labels (1 … numClasses − 1) and, for Mask R-CNN, masks at the image's size.
   * Leaves no tensor behind. Training losses are {@link GeneralizedRCNN.loss}'s.
   */
  forward(images: RcnnImages, { training, ...post }: DetectOptions = {}): RcnnDetections[] {
    const previous = this.training;
    if (training !== undefined && training !== previous) this.train(training);
    try {
      if (this.training) {
        throw new InvalidConfigError(`${this.typeName()}.forward gives detections in evaluation mode: call model.eval() or pass { training: false } (training losses: model.loss(images, targets))`, {
          field: 'training',
          expected: 'false',
          received: true,
        });
      }
      const original = imageSizes(images);
      const { imageList } = this.transform.forward(images);
      try {
        return this.#detect(imageList, original, post);
      } finally {
        imageList.tensors.dispose();
      }
    } finally {
      if (this.training !== previous) this.train(previous);
    }
  }

  /**
   * Training losses (torchvision's `forward(images, targets)` in training mode): `{ loss, parts }` with `parts`
   * torchvision's dict — `loss_classifier`, `loss_box_reg`, `loss_mask` (Mask R-CNN), `loss_objectness`,
   * `loss_rpn_box_reg` — and `loss` their sum: @det/train's `LossOutput`, e.g.
   * `train({ model, loss: (b) => model.loss(b.images, b.targets) })`.
   * - `images` as for {@link GeneralizedRCNN.forward} (RGB in [0, 1], sizes may differ); `targets` one per image:
   *   `boxes` [G*4] `xyxy` pixels of the original image (x2 > x1, y2 > y1), `labels` Int32 [G] in 1 … numClasses − 1,
   *   and for Mask R-CNN `masks`: G Uint8Array [H*W] (row-major, original size, 1 inside the object). G = 0 is allowed.
   * Steps: transform (resize images and targets, pad), backbone, RPN head → proposals (training top-n, computed on the
   * host, so detached) and `rpnTargets` + `rpnLoss` on all anchors; `selectTrainingSamples` (gt boxes appended) →
   * box branch → `fastrcnnLoss`; mask branch on the positive samples → `maskrcnnLoss` against `projectMasksOnBoxes`.
   * Runs in training mode (switched on for the call when the model is in evaluation mode, then restored). Gradients
   * reach every trainable parameter used; call it inside `tf.variableGrads` (or @det/train's loop) to train. Returns
   * new scalars and leaves no other tensor behind. Throws ShapeMismatchError / InvalidBoxError / InvalidLabelError
   * naming the image and object for malformed targets.
   */
  loss(images: RcnnImages, targets: readonly RcnnTarget[], options: RcnnLossOptions = {}): RcnnLossOutput {
    const previous = this.training;
    if (!previous) this.train(true);
    try {
      return rcnnLoss(this, images, targets, options);
    } finally {
      if (!previous) this.train(false);
    }
  }

  #detect(imageList: ImageList, original: ReturnType<typeof imageSizes>, post: PostprocessOptions): RcnnDetections[] {
    const features = this.features(imageList.tensors);
    try {
      const proposals = this.rpn.forward(imageList, features);
      const detections = this.roiHeads.forward(features, proposals.boxes, imageList.imageSizes);
      return this.transform.postprocess(detections, imageList.imageSizes, original, post);
    } finally {
      tf.dispose(Object.values(features));
    }
  }

  /**
   * Model surgery by dotted path (PyTorch's attribute assignment), e.g.
   * `model.set('roi_heads.box_predictor', new FastRCNNPredictor(1024, 21))`; names, parameters and state dicts follow
   * the new module. Unlike PyTorch, a name that is not one of the model's (`transform`, `backbone`, `rpn`,
   * `roi_heads`) or of RoIHeads' (`box_*`, `mask_*`) throws instead of adding a module the model would never call —
   * e.g. seed 003's `model.mask_predictor = …`, which should be `roi_heads.mask_predictor`.
   */
  override set(path: string, module: AnyModule, options?: SetModuleOptions): AnyModule | undefined {
    const parts = path.split('.');
    const roiNames: readonly string[] = ROI_HEADS_CHILDREN;
    if (parts.length === 1 && !ROOT_CHILDREN.includes(path)) {
      const hint = roiNames.includes(path) ? ` — did you mean 'roi_heads.${path}'?` : '';
      throw new InvalidConfigError(`${this.typeName()} has no child '${path}'${hint}`, { field: path, expected: `one of ${ROOT_CHILDREN.join(', ')}` });
    }
    if (parts.length === 2 && parts[0] === 'roi_heads' && !roiNames.includes(parts[1])) {
      throw new InvalidConfigError(`RoIHeads has no child '${parts[1]}'`, { field: path, expected: `one of ${roiNames.join(', ')}` });
    }
    return super.set(path, module, options);
  }
}
