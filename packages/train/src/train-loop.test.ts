import { isDetError } from '@det/core';
import { Linear, Sequential } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError } from './errors';
import { createProgressBar } from './progress';
import { createSchedule } from './schedule';
import { assertNoLeaks, expectClose, reference, snapshot, type TinyBatch, tinyBatches, tinyLoss, tinyNet, useCpuBackend } from './test-helpers.test-helper';
import { type StepInfo, train } from './train-loop';

const ref = reference();

describe('train', () => {
  useCpuBackend();
  assertNoLeaks();

  it('matches a PyTorch loop (SGD momentum + weight decay, warmup + multi-step lr, gradient clipping)', async () => {
    const { loop } = ref;
    const model = new Sequential(new Linear(3, 2));
    const init = new Map([
      ['0.weight', tf.tensor(loop.init.weight, [2, 3])],
      ['0.bias', tf.tensor(loop.init.bias, [2])],
    ]);
    model.loadStateDict(init, { source: 'torchvision' });
    tf.dispose([...init.values()]);
    const batches = loop.batches.map((b: { x: number[]; y: number[] }) => b);
    const result = await train({
      model,
      loss: (b: { x: number[]; y: number[] }) => ({ loss: tf.mean(tf.square(tf.sub(model.forward(tf.tensor2d(b.x, [4, 3])), tf.tensor2d(b.y, [4, 2])))) as tf.Scalar }),
      batches: () => batches,
      maxSteps: loop.steps,
      optimizer: loop.optimizer,
      schedule: createSchedule(loop.optimizer.lr, loop.schedule),
      clipGradNorm: loop.clipGradNorm,
    });
    expect(result.step).toBe(loop.steps);
    expect(result.epoch).toBe(2);
    expectClose(
      result.history.map((h) => h.loss),
      loop.losses,
      1e-5,
      'losses',
    );
    expectClose(
      result.history.map((h) => h.gradNorm),
      loop.norms,
      1e-5,
      'grad norms',
    );
    expectClose(
      result.history.map((h) => h.lr),
      loop.lrs,
      1e-12,
      'lrs',
    );
    // @det layout: Linear weight [in, out] = torch weight transposed.
    const w = model.getParameter('0.weight').dataSync();
    const want = loop.final.weight as number[];
    expectClose(
      Array.from({ length: 6 }, (_, k) => w[(k % 3) * 2 + Math.floor(k / 3)]),
      want,
      1e-5,
      'weight',
    );
    expectClose(model.getParameter('0.bias').dataSync(), loop.final.bias, 1e-5, 'bias');
    model.dispose();
  });

  it('50 steps of a tiny conv net: tensor count constant per step, loss falls, only trainable parameters change', async () => {
    const model = tinyNet();
    model.get('1').requiresGrad(false); // freeze the BatchNorm affine parameters
    const frozen = snapshot({ stateDict: () => new Map([['w', model.getParameter('1.weight')]]) });
    const counts: number[] = [];
    const infos: StepInfo[] = [];
    const result = await train({
      model,
      loss: tinyLoss(model),
      batches: tinyBatches(4),
      batchSize: (b: TinyBatch) => b.n,
      maxSteps: 50,
      optimizer: { lr: 0.05 },
      onStep: (info) => {
        counts.push(tf.memory().numTensors);
        infos.push(info);
      },
    });
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(result.history).toHaveLength(50);
    expect(result.epoch).toBe(12);
    const first = result.history.slice(0, 4).reduce((s, h) => s + h.loss, 0);
    const last = result.history.slice(-4).reduce((s, h) => s + h.loss, 0);
    expect(last).toBeLessThan(first);
    expect(Object.keys(result.history[0].parts)).toEqual(['mse', 'l1']);
    expect(result.history[0].parts.mse).toBe(result.history[0].loss);
    expect(infos[0].images).toBe(2);
    expect(infos[0].imagesPerSec).toBeGreaterThan(0);
    expect(infos[7].epoch).toBe(1);
    expect(snapshot({ stateDict: () => new Map([['w', model.getParameter('1.weight')]]) })).toEqual(frozen);
    expect(model.getBuffer('1.num_batches_tracked').dataSync()[0]).toBe(50);
    model.dispose();
  });

  it('a NaN loss throws NonFiniteLossError naming the step and batch, before touching the parameters', async () => {
    const model = tinyNet();
    const loss = tinyLoss(model);
    let before: Record<string, number[]> = {};
    const run = train({
      model,
      loss: (b: TinyBatch, step) => {
        const out = loss(b);
        return step === 3 ? { loss: tf.mul(out.loss, Number.NaN) as tf.Scalar, parts: out.parts } : out;
      },
      batches: tinyBatches(3),
      maxSteps: 10,
      describeBatch: (b) => b.id,
      onStep: (info) => {
        if (info.step === 3) before = snapshot({ stateDict: () => new Map(model.namedParameters()) });
      },
    });
    const err = await run.catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(isDetError(err, 'NOT_FINITE')).toBe(true);
    expect(err.step).toBe(4);
    expect(err.quantity).toBe('loss');
    expect(err.batch).toBe('e1b0');
    expect(err.message).toMatch(/non-finite loss at step 4 \(batch: e1b0\)/);
    expect(snapshot({ stateDict: () => new Map(model.namedParameters()) })).toEqual(before);
    model.dispose();
  });

  it('an infinite gradient norm throws too', async () => {
    const model = new Sequential(new Linear(2, 1));
    const err = await train({
      model,
      loss: () => ({ loss: tf.sum(tf.mul(model.forward(tf.tensor2d([[1e30, 1e30]])), 1e30)) as tf.Scalar }),
      batches: () => [0],
      maxSteps: 2,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(['loss', 'gradNorm']).toContain(err.quantity);
    model.dispose();
  });

  it('validates every n steps and after the last step, in eval mode', async () => {
    const model = tinyNet();
    const modes: boolean[] = [];
    const result = await train({
      model,
      loss: tinyLoss(model),
      batches: tinyBatches(3),
      maxSteps: 7,
      validate: {
        every: 3,
        run: async (step) => {
          modes.push(model.training);
          return { score: step / 10 };
        },
      },
    });
    expect(result.validations).toEqual([
      { step: 3, metrics: { score: 0.3 } },
      { step: 6, metrics: { score: 0.6 } },
      { step: 7, metrics: { score: 0.7 } },
    ]);
    expect(modes).toEqual([false, false, false]);
    expect(model.training).toBe(true);
    model.dispose();
  });

  it('stops at an abort signal and reports it', async () => {
    const model = tinyNet();
    const controller = new AbortController();
    const result = await train({
      model,
      loss: tinyLoss(model),
      batches: tinyBatches(3),
      maxSteps: 100,
      signal: controller.signal,
      onStep: (info) => {
        if (info.step === 5) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.step).toBe(5);
    model.dispose();
  });

  it('rejects bad options', async () => {
    const model = tinyNet();
    const base = { model, loss: tinyLoss(model), batches: tinyBatches(1) };
    await expect(train({ ...base, maxSteps: 1.5 })).rejects.toThrow(/maxSteps/);
    await expect(train({ ...base, maxSteps: 2, resume: true })).rejects.toThrow(/resume needs/);
    await expect(train({ ...base, maxSteps: 2, clipGradNorm: -1 })).rejects.toThrow(/clipGradNorm/);
    await expect(train({ ...base, maxSteps: 2, batches: () => [] })).rejects.toThrow(/no batch/);
    model.requiresGrad(false);
    await expect(train({ ...base, maxSteps: 2 })).rejects.toThrow(/no trainable/);
    model.dispose();
  });

  it('progress bar shows step, loss, lr and rate', async () => {
    const chunks: string[] = [];
    const stream = { write: (s: string) => chunks.push(s), isTTY: false };
    const bar = await createProgressBar(10, { stream, noTTYOutput: true });
    bar.update({ step: 1, loss: 1.5, parts: {}, lr: 0.01, gradNorm: 1, ms: 100, dataMs: 0, images: 8 });
    bar.stop();
    const text = chunks.join('');
    expect(text).toMatch(/1\/10/);
    expect(text).toMatch(/loss 1\.5000/);
    expect(text).toMatch(/lr 0\.01/);
    expect(text).toMatch(/80\.0 img\/s/);
  });
});

describe('train [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  assertNoLeaks();

  it('20 steps of the tiny conv net: finite losses, constant tensor count', async () => {
    const model = tinyNet();
    const counts: number[] = [];
    const result = await train({ model, loss: tinyLoss(model), batches: tinyBatches(3), maxSteps: 20, clipGradNorm: 1, onStep: () => counts.push(tf.memory().numTensors) });
    expect(tf.getBackend()).toBe('wasm');
    expect(result.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });
});
