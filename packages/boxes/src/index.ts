export * from './area';
export * from './clip';
export * from './convert';
export * from './iou';
export * from './overlap';
