export * from './collate';
export * from './dataset';
export * from './mask';
export * from './sample';
export * from './transforms';
