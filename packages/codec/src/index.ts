export { type BoxCoder, createBoxCoder } from './coder';
export { decodeBoxes, encodeBoxes } from './encode';
export {
  BACKGROUND,
  createPriorMatcher,
  DEFAULT_MATCH_THRESHOLD,
  FORCED_OVERLAP,
  type MatchOptions,
  type MatchResult,
  matchPriors,
  NO_MATCH,
  type PriorMatcher,
} from './match';
export * from './options';
export { priorCorners } from './priors';
export { type BatchTargets, encodeBatch, type TargetTruth } from './targets';
