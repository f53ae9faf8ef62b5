export * from './coco';
export * from './coco-json';
export * from './pr-curve-svg';
export * from './segmentation';
export * from './types';
export * from './voc';
