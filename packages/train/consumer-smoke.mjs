// Run by scripts/consumer-check.mjs against the installed tarball (ESM namespace, CJS exports), with
// @tensorflow/tfjs-core and tfjs-backend-cpu from npm: a tiny @det/nn model trains for 3 steps on the cpu
// backend with a checkpoint and plots (sharp), the loss is finite, a resume continues from the checkpoint,
// the cli-progress bar loads, and no tensor leaks.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function smoke(esm, cjs) {
  const { tf, initBackend } = await import('@det/tfjs');
  const nn = await import('@det/nn');
  if ((await initBackend('cpu')) !== 'cpu') throw new Error('initBackend(cpu) failed');
  for (const train of [esm, cjs]) {
    const dir = mkdtempSync(join(tmpdir(), 'det-train-smoke-'));
    try {
      const before = tf.memory().numTensors;
      nn.manualSeed(1);
      const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1));
      const x = [
        [1, 0, -1],
        [0.5, 2, 0],
      ];
      const y = [[1], [-1]];
      const options = {
        model,
        loss: () => ({ loss: tf.mean(tf.square(tf.sub(model.forward(tf.tensor2d(x)), tf.tensor2d(y)))) }),
        batches: () => [0, 1],
        batchSize: () => 2,
        maxSteps: 3,
        optimizer: { lr: 0.05 },
        schedule: train.multiStepLr(0.05, { milestones: [2], warmupSteps: 1 }),
        clipGradNorm: 10,
        checkpoint: { dir: join(dir, 'ckpt'), every: 2 },
        plots: { dir: join(dir, 'plots') },
        log: () => undefined,
      };
      const result = await train.train(options);
      if (result.step !== 3 || result.history.length !== 3) throw new Error(`unexpected result ${JSON.stringify(result)}`);
      if (!result.history.every((h) => Number.isFinite(h.loss))) throw new Error('non-finite loss');
      if (readFileSync(join(dir, 'ckpt', train.LATEST_FILE), 'utf8') !== 'step-3\n') throw new Error('latest pointer not written');
      const png = readFileSync(join(dir, 'plots', train.PLOT_FILES.loss));
      if (png.subarray(1, 4).toString() !== 'PNG') throw new Error('loss plot is not a PNG');
      const resumed = await train.train({ ...options, maxSteps: 4, resume: true });
      if (resumed.resumedFrom !== join(dir, 'ckpt', 'step-3') || resumed.step !== 4) throw new Error('resume failed');
      if (!readdirSync(join(dir, 'ckpt')).includes('step-4')) throw new Error('checkpoint step-4 missing');
      const bar = await train.createProgressBar(2, { stream: { write() {}, on() {}, removeListener() {} } });
      bar.stop();
      model.dispose();
      if (tf.memory().numTensors !== before) throw new Error(`tensors leaked: ${tf.memory().numTensors - before}`);
      if (!(new train.NonFiniteLossError({ step: 1, quantity: 'loss', value: Number.NaN }) instanceof Error)) throw new Error('NonFiniteLossError');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
