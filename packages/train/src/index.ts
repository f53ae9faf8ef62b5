export {
  CHECKPOINT_FILES,
  type CheckpointEntry,
  LATEST_FILE,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  listCheckpoints,
  loadLatestCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
  type TrainState,
} from './checkpoint';
export { type ClipGradNormResult, clipGradNorm, gradNorm } from './clip';
export { type NonFiniteLossDetails, NonFiniteLossError, type NonFiniteQuantity } from './errors';
export type { NamedTensors } from './named';
export {
  type ChartSeries,
  formatTick,
  type LineChartOptions,
  type LossChartOptions,
  lineChartSvg,
  lossChartSvg,
  niceTicks,
  PLOT_FILES,
  smooth,
  svgToPng,
  type TrainingPlotsOptions,
  validationChartSvg,
  writeTrainingPlots,
} from './plot';
export { createProgressBar, type ProgressBarOptions, type ProgressReporter, type ProgressStream } from './progress';
export {
  type CosineOptions,
  constantLr,
  cosineLr,
  createSchedule,
  type MultiStepOptions,
  multiStepLr,
  type Schedule,
  type ScheduleConfig,
  type WarmupOptions,
  warmupFactorAt,
  withWarmup,
} from './schedule';
export { type NamedVariables, SGD, type SGDOptions } from './sgd';
export { type LossOutput, type StepInfo, type TrainOptimizerOptions, type TrainOptions, type TrainResult, train } from './train-loop';
export type { StepRecord, ValidationRecord } from './types';
