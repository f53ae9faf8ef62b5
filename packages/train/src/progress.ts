import type { StepRecord } from './types';

/** A progress display for the training loop. */
export interface ProgressReporter {
  /** Called after every completed step. */
  update(record: StepRecord): void;
  /** Called once when training ends (normally or not). */
  stop(): void;
}

/** Where the bar is drawn: a writable text stream such as `process.stderr` (only `write` is required). */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  /** Steps already done (resumed runs). Default 0. */
  startStep?: number;
  /** Whether batch sizes are known: the rate is shown as img/s, else as it/s. Default true. */
  images?: boolean;
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Steps averaged for the rate. Default 20. */
  window?: number;
  /** Draw even when the stream is not a terminal (one line per redraw). Default false. */
  noTTYOutput?: boolean;
}

const formatLr = (lr: number) => (lr === 0 ? '0' : lr >= 1e-3 ? Number(lr.toPrecision(3)).toString() : lr.toExponential(2));
const formatLoss = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)) : String(v));

/**
 * A `cli-progress` bar on stderr: `train |████░░| 120/1000 | loss 1.2345 | lr 0.01 | 85.3 img/s | ETA: 2m31s`.
 * The rate is averaged over the last `window` steps (data loading included).
 */
export async function createProgressBar(maxSteps: number, { startStep = 0, images = true, stream = process.stderr, window = 20, noTTYOutput = false }: ProgressBarOptions = {}): Promise<ProgressReporter> {
  const mod = (await import('cli-progress')) as typeof import('cli-progress') & { default?: typeof import('cli-progress') };
  const cliProgress = mod.default ?? mod;
  const unit = images ? 'img/s' : 'it/s';
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `train |{bar}| {value}/{total} | loss {loss} | lr {lr} | {rate} ${unit} | ETA: {eta_formatted}`,
      hideCursor: false,
      etaBuffer: window,
      noTTYOutput,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(maxSteps, startStep, { loss: '-', lr: '-', rate: '-' });
  const recent: StepRecord[] = [];
  return {
    update(record) {
      recent.push(record);
      if (recent.length > window) recent.shift();
      const seconds = recent.reduce((s, r) => s + r.ms + r.dataMs, 0) / 1000;
      const count = images ? recent.reduce((s, r) => s + (r.images ?? 0), 0) : recent.length;
      bar.update(record.step, { loss: formatLoss(record.loss), lr: formatLr(record.lr), rate: seconds > 0 ? (count / seconds).toFixed(1) : '-' });
    },
    stop() {
      bar.stop();
    },
  };
}
