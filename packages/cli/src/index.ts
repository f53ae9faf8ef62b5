export * from './command';
export * from './main';
export { defaultBoxesSvg } from './svg/default-boxes-svg';
export { renderSvgToPng } from './render';
export { type DrawableImage, drawInstances, type InstanceDrawing } from './draw-instances';
export { detectionsSvg } from './draw-detections';
export { detectionsAbove, evaluateInstances, type InstanceSample, type InstanceScores, loadVocInstances, maskRcnnClassNames, readUnitImage } from './instances';
export { instanceBatches } from './commands/train-instance';
