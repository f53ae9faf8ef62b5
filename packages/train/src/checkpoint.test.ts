import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linear, Sequential } from '@det/nn';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_FILES, LATEST_FILE, listCheckpoints, loadLatestCheckpoint, saveCheckpoint } from './checkpoint';
import { multiStepLr } from './schedule';
import { SGD } from './sgd';
import { assertNoLeaks, snapshot, type TinyBatch, tinyBatches, tinyLoss, tinyNet, useCpuBackend, useTempDirs } from './test-helpers.test-helper';
import { type TrainOptions, train } from './train-loop';

describe('checkpoints and resume', () => {
  useCpuBackend();
  assertNoLeaks();
  const tempDir = useTempDirs();

  const options = (model: ReturnType<typeof tinyNet>, dir: string, maxSteps: number, extra: Partial<TrainOptions<TinyBatch>> = {}): TrainOptions<TinyBatch> => ({
    model,
    loss: tinyLoss(model),
    batches: tinyBatches(3),
    maxSteps,
    optimizer: { lr: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: true },
    schedule: multiStepLr(0.05, { milestones: [5], gamma: 0.5, warmupSteps: 3, warmupFactor: 0.1 }),
    clipGradNorm: 5,
    checkpoint: { dir, every: 2, keep: 2 },
    log: () => undefined,
    ...extra,
  });

  it('N steps + resume + M steps gives the same weights, buffers and history as N + M steps', async () => {
    const straight = tinyNet(1);
    const reference = await train(options(straight, tempDir(), 11));
    const want = snapshot(straight);
    straight.dispose();

    const dir = tempDir();
    const first = tinyNet(1);
    const a = await train(options(first, dir, 4)); // stops in the middle of epoch 1
    expect(a.step).toBe(4);
    expect(a.lastCheckpoint).toBe(join(dir, 'step-4'));
    first.dispose();

    const second = tinyNet(7); // other initial weights: everything must come from the checkpoint
    const notes: string[] = [];
    const b = await train(options(second, dir, 11, { resume: true, log: (m) => notes.push(m) }));
    expect(b.resumedFrom).toBe(join(dir, 'step-4'));
    expect(notes.some((n) => /resuming from .*step-4/.test(n))).toBe(true);
    expect(b.step).toBe(11);
    expect(snapshot(second)).toEqual(want);
    expect(b.history).toEqual(
      reference.history.map((h, i) => ({ ...h, ms: b.history[i].ms, dataMs: b.history[i].dataMs })),
    );
    second.dispose();
  });

  it('writes step-<n> folders with weights, optimizer state, state.json and marker; latest pointer; keeps the newest', async () => {
    const dir = tempDir();
    const model = tinyNet(2);
    await train(options(model, dir, 7, { resume: true }));
    // every 2 → 2, 4, 6 and the final 7; keep 2
    expect(readdirSync(dir).sort()).toEqual([LATEST_FILE, 'step-6', 'step-7']);
    expect(readFileSync(join(dir, LATEST_FILE), 'utf8')).toBe('step-7\n');
    const files = readdirSync(join(dir, 'step-7')).sort();
    expect(files).toEqual([CHECKPOINT_FILES.marker, 'config.json', CHECKPOINT_FILES.model, CHECKPOINT_FILES.optimizer, CHECKPOINT_FILES.state].sort());
    const state = JSON.parse(readFileSync(join(dir, 'step-7', CHECKPOINT_FILES.state), 'utf8'));
    expect(state).toMatchObject({ format: 'det-train-checkpoint', step: 7, epoch: 2, batchInEpoch: 1 });
    expect(state.history).toHaveLength(7);
    expect(state.options.optimizer).toMatchObject({ type: 'SGD', momentum: 0.9, nesterov: true });
    const marker = JSON.parse(readFileSync(join(dir, 'step-7', CHECKPOINT_FILES.marker), 'utf8'));
    expect(marker.step).toBe(7);
    expect(Object.keys(marker.files)).toContain(CHECKPOINT_FILES.optimizer);
    // Resuming a finished run does nothing.
    const again = await train(options(model, dir, 7, { resume: true }));
    expect(again.step).toBe(7);
    expect(again.history).toHaveLength(7);
    model.dispose();
  });

  it('a write killed midway (leftover temp folder, step folder without marker, corrupt file) resumes from the last good checkpoint', async () => {
    const dir = tempDir();
    const straight = tinyNet(3);
    await train(options(straight, tempDir(), 8));
    const want = snapshot(straight);
    straight.dispose();

    const first = tinyNet(3);
    await train(options(first, dir, 4));
    first.dispose();
    // A crash while writing step 6: its temporary folder is left behind …
    mkdirSync(join(dir, '.tmp-step-6-999-abc-def'));
    writeFileSync(join(dir, '.tmp-step-6-999-abc-def', CHECKPOINT_FILES.model), 'partial');
    // … and a step folder without its marker (e.g. copied by hand, or a file system that reordered the writes).
    mkdirSync(join(dir, 'step-6'));
    writeFileSync(join(dir, 'step-6', CHECKPOINT_FILES.state), '{"step": 6');
    // A step-5 whose weights were truncated after the marker was written.
    const fake = join(dir, 'step-5');
    mkdirSync(fake);
    for (const f of readdirSync(join(dir, 'step-4'))) writeFileSync(join(fake, f), readFileSync(join(dir, 'step-4', f)));
    writeFileSync(join(fake, CHECKPOINT_FILES.marker), readFileSync(join(dir, 'step-4', CHECKPOINT_FILES.marker), 'utf8').replace('"step":4', '"step":5'));
    writeFileSync(join(fake, CHECKPOINT_FILES.model), readFileSync(join(dir, 'step-4', CHECKPOINT_FILES.model)).subarray(0, 100));

    expect((await listCheckpoints(dir)).map((c) => [c.step, c.complete])).toEqual([
      [6, false],
      [5, true],
      [4, true],
      [2, true],
    ]);
    const warnings: string[] = [];
    const second = tinyNet(9);
    const result = await train(options(second, dir, 8, { resume: true, log: (m) => warnings.push(m) }));
    expect(result.resumedFrom).toBe(join(dir, 'step-4'));
    expect(warnings.some((w) => /ignoring .*\.tmp-step-6/.test(w))).toBe(true);
    expect(warnings.some((w) => /skipping checkpoint .*step-6: no COMPLETE marker/.test(w))).toBe(true);
    expect(warnings.some((w) => /skipping unreadable checkpoint .*step-5/.test(w))).toBe(true);
    expect(snapshot(second)).toEqual(want);
    // The next save cleaned up the leftovers.
    expect(readdirSync(dir).sort()).toEqual([LATEST_FILE, 'step-6', 'step-8']);
    expect(existsSync(join(dir, 'step-6', CHECKPOINT_FILES.marker))).toBe(true);
    second.dispose();
  });

  it('no checkpoint: resume starts from step 0; a checkpoint of another model throws', async () => {
    const dir = tempDir();
    const model = tinyNet(4);
    const notes: string[] = [];
    const r = await train(options(model, dir, 2, { resume: true, log: (m) => notes.push(m) }));
    expect(r.resumedFrom).toBeUndefined();
    expect(notes.some((n) => /no checkpoint/.test(n))).toBe(true);
    const other = new Sequential(new Linear(3, 2));
    const optimizer = new SGD(other.namedParameters(), { lr: 0.1, momentum: 0.9 });
    await expect(loadLatestCheckpoint(dir, { model: other, optimizer, log: () => undefined })).rejects.toThrow();
    optimizer.dispose();
    other.dispose();
    model.dispose();
  });

  it('saveCheckpoint replaces an existing folder of the same step and validates keep', async () => {
    const dir = tempDir();
    const model = tinyNet(5);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
    const state = { step: 3, epoch: 0, batchInEpoch: 3, history: [], validations: [] };
    await saveCheckpoint(dir, { model, optimizer, state });
    await saveCheckpoint(dir, { model, optimizer, state });
    expect(readdirSync(dir).sort()).toEqual([LATEST_FILE, 'step-3']);
    await expect(saveCheckpoint(dir, { model, optimizer, state, keep: 0 })).rejects.toThrow(/keep/);
    const loaded = await loadLatestCheckpoint(dir, { model, optimizer });
    expect(loaded?.state.step).toBe(3);
    rmSync(dir, { recursive: true });
    expect(await listCheckpoints(dir)).toEqual([]);
    optimizer.dispose();
    model.dispose();
  });
});
