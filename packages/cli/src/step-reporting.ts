import type { StepInfo } from '@det/train';
import type { OptionValues } from './args';
import type { CommandIO } from './command';

/**
 * @det/train's `progress` and `onStep` options for the train commands: the progress bar on a terminal; without one
 * (CI, logs) or with --no-progress, a line every 50 steps and at the last ("step n/N  loss … (parts)  lr …  img/s").
 */
export function stepReporting(values: OptionValues, io: CommandIO, { parts = false } = {}): { progress: boolean; onStep?: (info: StepInfo) => void } {
  const bar = !values['no-progress'] && Boolean(process.stderr.isTTY);
  if (bar) return { progress: true };
  return {
    progress: false,
    onStep: (info) => {
      if (info.step % 50 !== 0 && info.step !== info.maxSteps) return;
      const detail = parts ? ` (${Object.entries(info.parts).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')})` : '';
      io.stdout(`step ${info.step}/${info.maxSteps}  loss ${info.loss.toFixed(3)}${detail}  lr ${info.lr.toPrecision(3)}  ${info.imagesPerSec?.toFixed(1) ?? '?'} img/s`);
    },
  };
}
