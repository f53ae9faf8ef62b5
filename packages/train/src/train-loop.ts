import { InvalidConfigError } from '@det/core';
import type { AnyModule } from '@det/nn';
import { tf } from '@det/tfjs';
import { loadLatestCheckpoint, saveCheckpoint, type TrainState } from './checkpoint';
import { clipGradNorm, gradNorm } from './clip';
import { NonFiniteLossError, type NonFiniteQuantity } from './errors';
import { writeTrainingPlots } from './plot';
import { createProgressBar, type ProgressReporter } from './progress';
import { constantLr, type Schedule } from './schedule';
import { SGD } from './sgd';
import type { StepRecord, ValidationRecord } from './types';

/** What the loss function returns: the total loss to minimise and optional named parts to log. */
export interface LossOutput {
  loss: tf.Scalar;
  /** Parts of the loss (e.g. `{ loc, conf }`), read together with the loss and kept in the history. */
  parts?: Record<string, tf.Scalar>;
}

/** Optimizer settings of {@link train}: SGD with PyTorch semantics. */
export interface TrainOptimizerOptions {
  /** Base learning rate (the lr of the default constant schedule). Default 0.01. */
  lr?: number;
  /** Default 0.9. */
  momentum?: number;
  /** Default 5e-4. */
  weightDecay?: number;
  /** Default false. */
  nesterov?: boolean;
  /** Default 0. */
  dampening?: number;
}

/** Passed to `onStep` after every completed step. */
export interface StepInfo extends StepRecord {
  maxSteps: number;
  /** Epoch the batch came from. */
  epoch: number;
  /** Images per second of this step (data loading included), when `batchSize` is given. */
  imagesPerSec?: number;
}

export interface TrainOptions<B> {
  /** The model; only its trainable parameters are updated. It is in train mode during steps, eval mode during validation. */
  model: AnyModule;
  /**
   * The loss of one batch, called inside `tf.variableGrads` (tensors it makes are freed by the loop). `step` is the
   * number of steps already done (0 for the first).
   */
  loss: (batch: B, step: number) => LossOutput;
  /**
   * The batches of an epoch (0, 1, 2 …); called again for each new epoch until `maxSteps` steps are done. For an
   * exact resume it must give the same batches for the same epoch: a resumed run skips the batches of the current
   * epoch that were already used.
   */
  batches: (epoch: number) => AsyncIterable<B> | Iterable<B>;
  /** Number of images in a batch, for img/s. */
  batchSize?: (batch: B) => number;
  /** Total optimizer steps (including those of a resumed run). */
  maxSteps: number;
  optimizer?: TrainOptimizerOptions;
  /** Learning rate of each step (by steps already done); default the constant `optimizer.lr`. */
  schedule?: Schedule;
  /** Clip the total gradient norm to this value (torch's clip_grad_norm_). */
  clipGradNorm?: number;
  /** Write a checkpoint every `every` steps, at the end and when aborted; keep the newest `keep` (default 3). */
  checkpoint?: { dir: string; every: number; keep?: number };
  /** Continue from the newest complete checkpoint in `checkpoint.dir`, if there is one. Default false. */
  resume?: boolean;
  /** Run validation every `every` steps and after the last step (model in eval mode). */
  validate?: { every: number; run: (step: number) => Promise<Record<string, number>> | Record<string, number> };
  /** A progress bar on stderr (step/maxSteps, loss, lr, img/s, ETA). Default false. */
  progress?: boolean;
  /**
   * Write `loss.png` and `validation.png` into `dir` after each validation and checkpoint, every `every` steps
   * when given, and at the end.
   */
  plots?: { dir: string; every?: number; smoothing?: number; logY?: boolean };
  /** A description of a batch (image ids …) for the error thrown on a non-finite loss. */
  describeBatch?: (batch: B) => string;
  /** Called after every completed step. */
  onStep?: (info: StepInfo) => void;
  /** Stops training before the next step; a checkpoint is written and the result has `aborted: true`. */
  signal?: AbortSignal;
  /** Receives warnings and notes (resume, skipped checkpoints). Default console.warn. */
  log?: (message: string) => void;
}

export interface TrainResult {
  /** Steps completed (including resumed ones). */
  step: number;
  /** Epoch of the next batch. */
  epoch: number;
  history: StepRecord[];
  validations: ValidationRecord[];
  /** Whether `signal` stopped the run before `maxSteps`. */
  aborted: boolean;
  /** Path of the checkpoint the run resumed from. */
  resumedFrom?: string;
  /** Path of the last checkpoint written. */
  lastCheckpoint?: string;
}

function checkInteger(field: string, v: unknown, min: number): void {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) throw new InvalidConfigError(`${field} must be an integer >= ${min}`, { field, received: v });
}

/**
 * Trains `model` with SGD (PyTorch semantics) for `maxSteps` steps: per batch the loss and gradients of the
 * trainable parameters (`tf.variableGrads`), the total gradient norm (clipped when `clipGradNorm` is set), one
 * small data read of the loss, its parts and the norm, a non-finite check ({@link NonFiniteLossError}, thrown before
 * the update), and the update with the scheduled lr. Leaves no tensor behind apart from the optimizer's momentum
 * buffers, which are disposed at the end. See the README for checkpoints and resume.
 */
export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const { model, batches, batchSize, maxSteps, checkpoint, validate, plots, describeBatch, onStep, signal, log = console.warn } = options;
  checkInteger('maxSteps', maxSteps, 0);
  if (checkpoint) {
    checkInteger('checkpoint.every', checkpoint.every, 1);
    if (checkpoint.keep !== undefined) checkInteger('checkpoint.keep', checkpoint.keep, 1);
  }
  if (validate) checkInteger('validate.every', validate.every, 1);
  if (plots?.every !== undefined) checkInteger('plots.every', plots.every, 1);
  if (options.resume && !checkpoint) throw new InvalidConfigError('resume needs checkpoint.dir', { field: 'resume' });
  const clip = options.clipGradNorm;
  if (clip !== undefined && !(Number.isFinite(clip) && clip > 0)) throw new InvalidConfigError('clipGradNorm must be a number > 0', { field: 'clipGradNorm', received: clip });
  const { lr = 0.01, momentum = 0.9, weightDecay = 5e-4, nesterov = false, dampening = 0 } = options.optimizer ?? {};
  const schedule = options.schedule ?? constantLr(lr);

  const named = model.namedParameters().filter(([, p]) => p.trainable);
  if (named.length === 0) throw new InvalidConfigError('the model has no trainable parameters', { field: 'model' });
  const vars = named.map(([, v]) => v);
  const nameOf = new Map(named.map(([n, v]) => [v.name, n]));
  const optimizer = new SGD(named, { lr, momentum, weightDecay, nesterov, dampening });
  const summary = {
    maxSteps,
    optimizer: { type: 'SGD', lr, momentum, weightDecay, nesterov, dampening },
    clipGradNorm: clip ?? null,
    checkpoint: checkpoint ? { every: checkpoint.every, keep: checkpoint.keep ?? 3 } : null,
    validate: validate ? { every: validate.every } : null,
    trainableParameters: named.length,
  };

  let state: TrainState = { step: 0, epoch: 0, batchInEpoch: 0, history: [], validations: [] };
  let resumedFrom: string | undefined;
  let lastCheckpoint: string | undefined;
  let lastSaved = -1;
  let lastPlotted = -1;
  const wasTraining = model.training;
  let bar: ProgressReporter | undefined;
  try {
    if (options.resume && checkpoint) {
      const loaded = await loadLatestCheckpoint(checkpoint.dir, { model, optimizer, log });
      if (loaded) {
        state = loaded.state;
        resumedFrom = lastCheckpoint = loaded.path;
        lastSaved = state.step;
        log(`@det/train: resuming from ${loaded.path} (step ${state.step})`);
      } else {
        log(`@det/train: no checkpoint in ${checkpoint.dir}; starting from step 0`);
      }
    }
    if (options.progress) bar = await createProgressBar(maxSteps, { startStep: Math.min(state.step, maxSteps), images: batchSize !== undefined });

    const save = async () => {
      if (!checkpoint || state.step === lastSaved) return;
      state.options = summary;
      lastCheckpoint = await saveCheckpoint(checkpoint.dir, { model, optimizer, state, keep: checkpoint.keep ?? 3, log });
      lastSaved = state.step;
    };
    const plot = async () => {
      if (!plots || state.step === lastPlotted) return;
      await writeTrainingPlots(plots.dir, state.history, state.validations, {
        ...(plots.smoothing !== undefined ? { smoothing: plots.smoothing } : {}),
        ...(plots.logY !== undefined ? { logY: plots.logY } : {}),
      });
      lastPlotted = state.step;
    };

    let aborted = false;
    while (state.step < maxSteps && !aborted) {
      const skip = state.batchInEpoch;
      let index = 0;
      let waitStart = performance.now();
      for await (const batch of batches(state.epoch)) {
        if (index < skip) {
          index++;
          waitStart = performance.now();
          continue;
        }
        if (signal?.aborted) {
          aborted = true;
          break;
        }
        const dataMs = performance.now() - waitStart;
        const record = runStep(batch, dataMs);
        index++;
        state.batchInEpoch = index;
        state.history.push(record);
        bar?.update(record);
        if (onStep) {
          const info: StepInfo = { ...record, maxSteps, epoch: state.epoch };
          if (record.images !== undefined) info.imagesPerSec = (record.images * 1000) / Math.max(1e-9, record.ms + record.dataMs);
          onStep(info);
        }
        const last = state.step >= maxSteps;
        let touched = false;
        if (validate && (state.step % validate.every === 0 || last)) {
          await runValidation();
          touched = true;
        }
        if (checkpoint && (state.step % checkpoint.every === 0 || last)) {
          await save();
          touched = true;
        }
        if (plots && (touched || (plots.every !== undefined && state.step % plots.every === 0))) await plot();
        if (last) break;
        waitStart = performance.now();
      }
      if (aborted || state.step >= maxSteps) break;
      if (index === 0) throw new InvalidConfigError('batches(epoch) gave no batch', { field: 'batches', index: state.epoch });
      if (index < skip) log(`@det/train: epoch ${state.epoch} gave ${index} batches, fewer than the ${skip} already used before the resume (batches are not deterministic?)`);
      state.epoch++;
      state.batchInEpoch = 0;
    }
    if (aborted && state.step > 0) await save();
    await plot();
    return {
      step: state.step,
      epoch: state.epoch,
      history: state.history,
      validations: state.validations,
      aborted,
      ...(resumedFrom !== undefined ? { resumedFrom } : {}),
      ...(lastCheckpoint !== undefined ? { lastCheckpoint } : {}),
    };
  } finally {
    bar?.stop();
    optimizer.dispose();
    model.train(wasTraining);
  }

  function runStep(batch: B, dataMs: number): StepRecord {
    const start = performance.now();
    const done = state.step;
    const stepLr = schedule(done);
    if (!(Number.isFinite(stepLr) && stepLr >= 0)) throw new InvalidConfigError('the schedule gave an invalid learning rate', { field: 'schedule', index: done, received: stepLr });
    model.train();
    let parts: Record<string, tf.Scalar> = {};
    let value: tf.Scalar;
    let grads: Record<string, tf.Tensor | null>;
    try {
      ({ value, grads } = tf.variableGrads(() => {
        const out = options.loss(batch, done);
        // The loss parts outlive the gradient tape's tidy scope; they are read and disposed below.
        parts = out.parts ?? {};
        for (const t of Object.values(parts)) tf.keep(t);
        return out.loss;
      }, vars) as { value: tf.Scalar; grads: Record<string, tf.Tensor | null> });
    } catch (e) {
      tf.dispose(Object.values(parts));
      throw e;
    }
    const byName: Record<string, tf.Tensor> = {};
    for (const [varName, g] of Object.entries(grads)) if (g) byName[nameOf.get(varName) ?? varName] = g;
    let update = byName;
    let norm: tf.Scalar;
    if (clip !== undefined) ({ grads: update, norm } = clipGradNorm(byName, clip));
    else norm = gradNorm(byName);
    const partNames = Object.keys(parts);
    const toFree: tf.Tensor[] = [value, norm, ...Object.values(parts), ...Object.values(byName), ...(update !== byName ? Object.values(update) : [])];
    try {
      // The one data read of the step: loss, gradient norm and parts together.
      const read = tf.tidy(() => tf.concat([value, norm, ...partNames.map((n) => parts[n])].map((t) => tf.reshape(tf.cast(t, 'float32'), [1]))).dataSync());
      const lossValue = read[0];
      const normValue = read[1];
      const partValues: Record<string, number> = {};
      partNames.forEach((n, i) => {
        partValues[n] = read[2 + i];
      });
      const bad: [NonFiniteQuantity, number] | undefined = !Number.isFinite(lossValue)
        ? ['loss', lossValue]
        : (partNames.map((n) => [`parts.${n}`, partValues[n]] as [NonFiniteQuantity, number]).find(([, v]) => !Number.isFinite(v)) ??
          (!Number.isFinite(normValue) ? ['gradNorm', normValue] : undefined));
      if (bad) {
        let description: string | undefined;
        if (describeBatch) {
          try {
            description = describeBatch(batch);
          } catch (e) {
            description = `(describeBatch failed: ${(e as Error).message})`;
          }
        }
        throw new NonFiniteLossError({ step: done + 1, quantity: bad[0], value: bad[1], ...(description !== undefined ? { batch: description } : {}) });
      }
      optimizer.step(update, stepLr);
      state.step = done + 1;
      const record: StepRecord = { step: state.step, loss: lossValue, parts: partValues, lr: stepLr, gradNorm: normValue, ms: performance.now() - start, dataMs };
      if (batchSize) record.images = batchSize(batch);
      return record;
    } finally {
      tf.dispose(toFree);
    }
  }

  async function runValidation(): Promise<void> {
    if (!validate) return;
    model.eval();
    let metrics: Record<string, number>;
    try {
      metrics = await validate.run(state.step);
    } finally {
      model.train();
    }
    for (const [k, v] of Object.entries(metrics ?? {})) {
      if (typeof v !== 'number') throw new InvalidConfigError('validation metrics must be numbers', { field: k, received: v });
    }
    state.validations.push({ step: state.step, metrics: { ...metrics } });
  }
}
