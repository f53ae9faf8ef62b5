import { InvalidConfigError, ParseError } from '@det/core';
import { type AnyModule, decodeSafetensors, encodeSafetensors, saveModel, WEIGHTS_FILE } from '@det/nn';
import { tf } from '@det/tfjs';
import { atomicWriteFile, syncDir, tempSuffix, writeFileSynced } from './fs-util';
import type { SGD } from './sgd';
import type { StepRecord, ValidationRecord } from './types';

/** File names inside a checkpoint folder `step-<n>`. */
export const CHECKPOINT_FILES = {
  /** Model state dict (@det layout), written by `saveModel` of @det/nn (with `config.json`). */
  model: WEIGHTS_FILE,
  /** Momentum buffers by parameter name; hyper-parameters in the metadata. */
  optimizer: 'optimizer.safetensors',
  /** {@link TrainState} as JSON. */
  state: 'state.json',
  /** Written last: JSON with the step and the byte size of every other file. */
  marker: 'COMPLETE',
} as const;

/** The pointer file in the checkpoint folder: the name of the newest checkpoint folder and a newline. */
export const LATEST_FILE = 'latest';

const STATE_FORMAT = 'det-train-checkpoint';
const STEP_DIR = /^step-(\d+)$/;
const LEFTOVER = /^\.(tmp|trash)-step-\d+-/;

/** What a checkpoint remembers about the run besides the weights and the optimizer. */
export interface TrainState {
  /** Optimizer steps completed. */
  step: number;
  /** Epoch the next batch comes from (the argument of `batches`). */
  epoch: number;
  /** Batches of that epoch already used (skipped on resume). */
  batchInEpoch: number;
  history: StepRecord[];
  validations: ValidationRecord[];
  /** A JSON summary of the training options, for people reading the folder. */
  options?: Record<string, unknown>;
}

export interface CheckpointEntry {
  step: number;
  /** Folder path. */
  path: string;
  /** Whether the folder has its COMPLETE marker. */
  complete: boolean;
}

export interface SaveCheckpointOptions {
  model: AnyModule;
  optimizer: SGD;
  state: TrainState;
  /** Complete checkpoints to keep, newest first (older ones are deleted). Default 3. */
  keep?: number;
  /** Receives warnings (removed leftovers). Default console.warn. */
  log?: (message: string) => void;
}

export interface LoadCheckpointOptions {
  model: AnyModule;
  optimizer: SGD;
  /** Receives a warning for every checkpoint skipped (incomplete, unreadable). Default console.warn. */
  log?: (message: string) => void;
}

export interface LoadedCheckpoint {
  path: string;
  state: TrainState;
}

const stepDirName = (step: number) => `step-${step}`;

/**
 * Step folders in `dir`, newest first, with whether each is complete; none when `dir` does not exist.
 * Temporary folders of interrupted writes are not listed.
 */
export async function listCheckpoints(dir: string): Promise<CheckpointEntry[]> {
  const { readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: CheckpointEntry[] = [];
  for (const name of names) {
    const m = STEP_DIR.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const complete = await stat(join(path, CHECKPOINT_FILES.marker)).then(
      (s) => s.isFile(),
      () => false,
    );
    out.push({ step: Number(m[1]), path, complete });
  }
  return out.sort((a, b) => b.step - a.step);
}

/**
 * Writes checkpoint `step-<state.step>` into `dir`: the model (safetensors + config.json via @det/nn's
 * `saveModel`), the optimizer's momentum buffers (`optimizer.safetensors`), `state.json` and, last, the
 * `COMPLETE` marker, all fsynced inside a temporary folder that is then renamed into place; then the `latest`
 * pointer is replaced atomically (temporary file + rename) and old checkpoints beyond `keep`, leftovers of
 * interrupted writes and incomplete step folders are deleted. A crash at any point leaves the previous
 * checkpoints intact. One training run per folder. Returns the checkpoint's path.
 */
export async function saveCheckpoint(dir: string, { model, optimizer, state, keep = 3, log = console.warn }: SaveCheckpointOptions): Promise<string> {
  if (!(Number.isInteger(keep) && keep >= 1)) throw new InvalidConfigError('keep must be an integer >= 1', { field: 'keep', received: keep });
  const { mkdir, rename, rm, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const name = stepDirName(state.step);
  const tmp = join(dir, `.tmp-${name}-${tempSuffix()}`);
  const target = join(dir, name);
  await mkdir(tmp);
  try {
    await saveModel(tmp, model, { config: { step: state.step }, metadata: { step: String(state.step) } });
    const optimizerBytes = encodeSafetensors(optimizer.stateDict(), {
      metadata: {
        optimizer: 'SGD',
        lr: String(optimizer.lr),
        momentum: String(optimizer.momentum),
        dampening: String(optimizer.dampening),
        weight_decay: String(optimizer.weightDecay),
        nesterov: String(optimizer.nesterov),
      },
    });
    await writeFileSynced(join(tmp, CHECKPOINT_FILES.optimizer), optimizerBytes);
    await writeFileSynced(join(tmp, CHECKPOINT_FILES.state), `${JSON.stringify({ format: STATE_FORMAT, version: 1, savedAt: new Date().toISOString(), ...state })}\n`);
    const files: Record<string, number> = {};
    for (const f of [CHECKPOINT_FILES.model, 'config.json', CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.state]) files[f] = (await stat(join(tmp, f))).size;
    await writeFileSynced(join(tmp, CHECKPOINT_FILES.marker), `${JSON.stringify({ step: state.step, files })}\n`);
    await syncDir(tmp);
    // An older folder of the same step (a run resumed from before it) is moved away first, then removed.
    const existing = await stat(target).then(
      () => true,
      () => false,
    );
    if (existing) {
      const trash = join(dir, `.trash-${name}-${tempSuffix()}`);
      await rename(target, trash);
      await rename(tmp, target);
      await rm(trash, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
    await syncDir(dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  await atomicWriteFile(join(dir, LATEST_FILE), `${name}\n`);
  await prune(dir, state.step, keep, log);
  return target;
}

async function prune(dir: string, current: number, keep: number, log: (message: string) => void): Promise<void> {
  const { readdir, rm } = await import('node:fs/promises');
  const { join } = await import('node:path');
  for (const name of await readdir(dir)) {
    if (LEFTOVER.test(name)) {
      log(`@det/train: removing ${join(dir, name)} (left over from an interrupted checkpoint write)`);
      await rm(join(dir, name), { recursive: true, force: true });
    }
  }
  let kept = 0;
  for (const c of await listCheckpoints(dir)) {
    if (!c.complete) {
      log(`@det/train: removing incomplete checkpoint ${c.path} (no ${CHECKPOINT_FILES.marker} marker)`);
      await rm(c.path, { recursive: true, force: true });
    } else if (c.step === current || kept < keep) {
      kept++;
    } else {
      await rm(c.path, { recursive: true, force: true });
    }
  }
}

interface ReadCheckpoint {
  state: TrainState;
  weights: Map<string, tf.Tensor>;
  optimizer: Map<string, tf.Tensor>;
}

/** Reads and checks every file of a checkpoint folder; throws ParseError when something is missing or corrupt. */
async function readCheckpoint(path: string, step: number): Promise<ReadCheckpoint> {
  const { readFile, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const read = async (file: string) => {
    try {
      return new Uint8Array(await readFile(join(path, file)));
    } catch (e) {
      throw new ParseError(`cannot read (${(e as Error).message})`, { file: join(path, file) });
    }
  };
  const parseJson = (bytes: Uint8Array, file: string) => {
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (e) {
      throw new ParseError(`not valid JSON (${(e as Error).message})`, { file: join(path, file) });
    }
  };
  const marker = parseJson(await read(CHECKPOINT_FILES.marker), CHECKPOINT_FILES.marker) as { step?: unknown; files?: Record<string, number> };
  if (marker.step !== step || typeof marker.files !== 'object' || marker.files === null) {
    throw new ParseError('marker does not describe this checkpoint', { file: join(path, CHECKPOINT_FILES.marker), expected: `step ${step}` });
  }
  for (const [file, size] of Object.entries(marker.files)) {
    const actual = await stat(join(path, file)).then(
      (s) => s.size,
      () => -1,
    );
    if (actual !== size) throw new ParseError('file size differs from the one recorded in the marker', { file: join(path, file), expected: `${size} bytes`, received: actual });
  }
  const state = parseJson(await read(CHECKPOINT_FILES.state), CHECKPOINT_FILES.state) as TrainState & { format?: string };
  if (state.format !== STATE_FORMAT || state.step !== step || !Number.isInteger(state.epoch) || !Array.isArray(state.history)) {
    throw new ParseError('not a @det/train state file for this step', { file: join(path, CHECKPOINT_FILES.state) });
  }
  const weights = decodeSafetensors(await read(CHECKPOINT_FILES.model), { file: join(path, CHECKPOINT_FILES.model) }).tensors;
  let optimizer: Map<string, tf.Tensor>;
  try {
    optimizer = decodeSafetensors(await read(CHECKPOINT_FILES.optimizer), { file: join(path, CHECKPOINT_FILES.optimizer) }).tensors;
  } catch (e) {
    tf.dispose([...weights.values()]);
    throw e;
  }
  return {
    state: {
      step: state.step,
      epoch: state.epoch,
      batchInEpoch: state.batchInEpoch ?? 0,
      history: state.history,
      validations: state.validations ?? [],
      ...(state.options !== undefined ? { options: state.options } : {}),
    },
    weights,
    optimizer,
  };
}

/**
 * Loads the newest complete checkpoint of `dir` into `model` (strict state dict) and `optimizer` (momentum
 * buffers) and returns its path and state; undefined when there is none. Step folders without the COMPLETE
 * marker, with files that do not match the marker, or that cannot be read are skipped with a warning and the
 * next older one is tried. A checkpoint that reads fine but does not fit the model (missing keys, other shapes)
 * throws: it belongs to another model.
 */
export async function loadLatestCheckpoint(dir: string, { model, optimizer, log = console.warn }: LoadCheckpointOptions): Promise<LoadedCheckpoint | undefined> {
  const { readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const leftovers = await readdir(dir).then(
    (names) => names.filter((n) => LEFTOVER.test(n)),
    () => [] as string[],
  );
  for (const n of leftovers) log(`@det/train: ignoring ${join(dir, n)} (left over from an interrupted checkpoint write)`);
  for (const c of await listCheckpoints(dir)) {
    if (!c.complete) {
      log(`@det/train: skipping checkpoint ${c.path}: no ${CHECKPOINT_FILES.marker} marker (interrupted write?)`);
      continue;
    }
    let read: ReadCheckpoint;
    try {
      read = await readCheckpoint(c.path, c.step);
    } catch (e) {
      log(`@det/train: skipping unreadable checkpoint ${c.path}: ${(e as Error).message}`);
      continue;
    }
    try {
      model.loadStateDict(read.weights);
      optimizer.loadStateDict(read.optimizer);
    } finally {
      tf.dispose([...read.weights.values(), ...read.optimizer.values()]);
    }
    return { path: c.path, state: read.state };
  }
  return undefined;
}
