export * from './argsort';
export * from './batched';
export * from './multiclass';
export * from './nms';
export * from './soft-nms';
