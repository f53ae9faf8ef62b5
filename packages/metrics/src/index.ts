export { type CocoArrays, evaluateCocoArrays } from './coco';
export { type CocoGtJson, type CocoImagesOptions, type CocoResultsJson, evaluateCoco, evaluateCocoJson } from './coco-json';
export {
  type AreaRange,
  COCO_AREA_RANGES,
  COCO_IOU_THRESHOLDS,
  COCO_MAX_DETS,
  COCO_RECALL_THRESHOLDS,
  COCO_UNDEFINED,
  type CocoEvalOptions,
  type CocoIouType,
  type CocoParams,
} from './coco-params';
export { type CocoSegmentation, rleFromSegmentation } from './coco-segmentation';
export { type CocoClassResult, type CocoMetricQuery, type CocoResult, type CocoSummaryEntry, cocoMetric } from './coco-summary';
export { maskIou } from './mask-iou';
export { numpyArgsort } from './numpy-argsort';
export { cocoPrCurves, type PlottedCurve, type PrCurveSvgOptions, prCurveSvg } from './pr-curve-svg';
export { type MaskLayoutOptions, type MaskOrder, type Rle, type RleMergeOptions, rleArea, rleDecode, rleEncode, rleMerge, rleToBbox } from './rle';
export { rleFromBbox, rleFromPolygon } from './rle-polygon';
export { type CocoRleJson, rleFromJson, rleFromString, rleToJson, rleToString } from './rle-string';
export { ConfusionMatrix, type ConfusionMatrixOptions, IGNORE_INDEX, type SegmentationScores } from './segmentation';
export type { DetectionRecord, EvalImage, ImageDetections, ImageGroundTruth, PrCurve } from './types';
export { evaluateVoc, type VocClassResult, type VocEvalOptions, type VocMetric, type VocResult, type VocTieOrder, vocAp } from './voc';
