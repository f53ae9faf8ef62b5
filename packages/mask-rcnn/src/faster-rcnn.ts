import { InvalidConfigError } from '@det/core';
import type { AnyModule } from '@det/nn';
import { type AnchorGenerator, defaultAnchorGenerator } from './anchor-generator';
import { TwoMLPHead, FastRCNNPredictor } from './box-head';
import type { BoxCoderWeights } from './box-coder';
import { GeneralizedRCNN, type RcnnBackbone } from './generalized-rcnn';
import { MultiScaleRoIAlign } from './poolers';
import { RoIHeads } from './roi-heads';
import { RegionProposalNetwork } from './rpn';
import { RPNHead } from './rpn-head';
import { GeneralizedRCNNTransform, IMAGENET_MEAN, IMAGENET_STD } from './transform';

/** torchvision `FasterRCNN(backbone, num_classes, **kwargs)`'s keyword arguments, camel-cased, same defaults. */
export interface FasterRCNNOptions {
  /** Classes including background (COCO: 91). Required unless `boxPredictor` is given (then it must be absent). */
  numClasses?: number;
  /** Shorter side after resizing (a list: one is drawn per training image). Default 800. */
  minSize?: number | readonly number[];
  /** Longer-side limit. Default 1333. */
  maxSize?: number;
  imageMean?: readonly number[];
  imageStd?: readonly number[];
  /** Default 32. */
  sizeDivisible?: number;
  fixedSize?: readonly [number, number];
  rpnAnchorGenerator?: AnchorGenerator;
  rpnHead?: AnyModule;
  rpnPreNmsTopNTrain?: number;
  rpnPreNmsTopNTest?: number;
  rpnPostNmsTopNTrain?: number;
  rpnPostNmsTopNTest?: number;
  rpnNmsThresh?: number;
  rpnFgIouThresh?: number;
  rpnBgIouThresh?: number;
  rpnBatchSizePerImage?: number;
  rpnPositiveFraction?: number;
  rpnScoreThresh?: number;
  boxRoiPool?: MultiScaleRoIAlign;
  boxHead?: AnyModule;
  boxPredictor?: AnyModule;
  boxScoreThresh?: number;
  boxNmsThresh?: number;
  boxDetectionsPerImg?: number;
  boxFgIouThresh?: number;
  boxBgIouThresh?: number;
  boxBatchSizePerImage?: number;
  boxPositiveFraction?: number;
  bboxRegWeights?: BoxCoderWeights;
}

/**
 * torchvision `FasterRCNN`: {@link GeneralizedRCNN} with its default parts — anchors 32…512 × (0.5, 1, 2)
 * ({@link defaultAnchorGenerator}), `RPNHead(outChannels, 3)`, RPN top-n 2000/1000 (train/test) before and after NMS
 * 0.7, `MultiScaleRoIAlign(['0','1','2','3'], 7, 2)`, `TwoMLPHead(outChannels·49, 1024)`,
 * `FastRCNNPredictor(1024, numClasses)`, score 0.05, NMS 0.5, 100 detections, transform min 800 / max 1333 with the
 * ImageNet mean/std.
 */
export class FasterRCNN extends GeneralizedRCNN {
  static override readonly torchName: string = 'FasterRCNN';

  constructor(backbone: RcnnBackbone, options: FasterRCNNOptions = {}) {
    const o = options;
    if (typeof backbone?.outChannels !== 'number') {
      throw new InvalidConfigError('backbone should contain an attribute out_channels specifying the number of output channels (assumed to be the same for all the levels)', {
        field: 'backbone',
        expected: 'a module with outChannels',
      });
    }
    if (o.numClasses !== undefined && o.boxPredictor !== undefined) throw new InvalidConfigError('num_classes should be None when box_predictor is specified', { field: 'numClasses' });
    if (o.numClasses === undefined && o.boxPredictor === undefined) throw new InvalidConfigError('num_classes should not be None when box_predictor is not specified', { field: 'numClasses' });
    if (o.numClasses !== undefined && !(Number.isInteger(o.numClasses) && o.numClasses >= 2)) {
      throw new InvalidConfigError('numClasses counts background too: an integer ≥ 2', { field: 'numClasses', received: o.numClasses });
    }
    const outChannels = backbone.outChannels;
    const anchorGenerator = o.rpnAnchorGenerator ?? defaultAnchorGenerator();
    const rpnHead = o.rpnHead ?? new RPNHead(outChannels, anchorGenerator.numAnchorsPerLocation()[0]);
    const rpn = new RegionProposalNetwork(anchorGenerator, rpnHead as RPNHead, {
      fgIouThresh: o.rpnFgIouThresh,
      bgIouThresh: o.rpnBgIouThresh,
      batchSizePerImage: o.rpnBatchSizePerImage,
      positiveFraction: o.rpnPositiveFraction,
      preNmsTopN: { training: o.rpnPreNmsTopNTrain ?? 2000, testing: o.rpnPreNmsTopNTest ?? 1000 },
      postNmsTopN: { training: o.rpnPostNmsTopNTrain ?? 2000, testing: o.rpnPostNmsTopNTest ?? 1000 },
      nmsThresh: o.rpnNmsThresh,
      scoreThresh: o.rpnScoreThresh,
    });
    const boxRoiPool = o.boxRoiPool ?? new MultiScaleRoIAlign(['0', '1', '2', '3'], 7, 2);
    const resolution = boxRoiPool.outputSize[0];
    const boxHead = o.boxHead ?? new TwoMLPHead(outChannels * resolution ** 2, 1024);
    const boxPredictor = o.boxPredictor ?? new FastRCNNPredictor(1024, o.numClasses as number);
    const roiHeads = new RoIHeads(boxRoiPool, boxHead, boxPredictor, {
      fgIouThresh: o.boxFgIouThresh,
      bgIouThresh: o.boxBgIouThresh,
      batchSizePerImage: o.boxBatchSizePerImage,
      positiveFraction: o.boxPositiveFraction,
      bboxRegWeights: o.bboxRegWeights,
      scoreThresh: o.boxScoreThresh,
      nmsThresh: o.boxNmsThresh,
      detectionsPerImg: o.boxDetectionsPerImg,
    });
    const transform = new GeneralizedRCNNTransform(o.minSize ?? 800, o.maxSize ?? 1333, o.imageMean ?? IMAGENET_MEAN, o.imageStd ?? IMAGENET_STD, {
      sizeDivisible: o.sizeDivisible,
      fixedSize: o.fixedSize,
    });
    super(backbone, rpn, roiHeads, transform);
  }
}
