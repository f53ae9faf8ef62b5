export * from './annotations';
export * from './box-format';
export * from './errors';
export * from './models';
export * from './random';
export * from './records';
export * from './validate';
