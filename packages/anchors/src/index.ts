export * from './anchor-grid';
export * from './config';
export * from './default-boxes';
export * from './presets';
