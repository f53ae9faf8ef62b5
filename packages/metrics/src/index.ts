export * from './coco';
export * from './coco-json';
export * from './types';
export * from './voc';
