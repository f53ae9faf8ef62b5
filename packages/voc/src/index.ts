export * from './classes';
export * from './dataset';
export * from './imagesets';
export * from './mask';
export * from './problems';
export * from './synthetic';
export * from './xml';
