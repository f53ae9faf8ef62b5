export * from './coder';
export * from './encode';
export * from './match';
export * from './options';
export * from './priors';
export * from './targets';
