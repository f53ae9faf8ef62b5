import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigError, ParseError } from '@det/core';
import { tf } from '@det/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_FILE, loadModel, saveModel, WEIGHTS_FILE } from './checkpoint';
import { ReLU } from './layers/activation';
import { BatchNorm2d } from './layers/batch-norm';
import { Sequential } from './layers/containers';
import { Conv2d } from './layers/conv2d';
import { manualSeed } from './init';
import { decodeSafetensors } from './safetensors';
import { assertNoLeaks, maxAbsDiff, useCpuBackend } from './test-helpers.test-helper';

interface Config {
  channels: number;
}

const build = ({ channels }: Config) => new Sequential(new Conv2d(3, channels, 3, { padding: 1 }), new BatchNorm2d(channels), new ReLU(true));
const root = mkdtempSync(join(tmpdir(), 'det-nn-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('saveModel / loadModel', () => {
  useCpuBackend();
  assertNoLeaks();

  it('round-trips weights, buffers and config through a model folder', async () => {
    const before = tf.memory().numTensors;
    const dir = join(root, 'a');
    manualSeed(7);
    const model = build({ channels: 4 });
    const x = tf.randomNormal([2, 5, 5, 3], 0, 1, 'float32', 5);
    tf.tidy(() => {
      model.forward(x); // training step: running statistics move
    });
    await saveModel(dir, model, { config: { channels: 4 }, metadata: { note: 'test' } });
    expect(readdirSync(dir).sort()).toEqual([CONFIG_FILE, WEIGHTS_FILE]); // no temporary files left
    expect(JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8'))).toEqual({ channels: 4 });
    const { tensors, metadata } = decodeSafetensors(new Uint8Array(readFileSync(join(dir, WEIGHTS_FILE))));
    expect(metadata).toMatchObject({ format: 'det', layout: 'det', note: 'test' });
    expect([...tensors.keys()]).toEqual([...model.stateDict().keys()]);
    tf.dispose([...tensors.values()]);

    manualSeed(8); // different initial weights
    const loaded = await loadModel(dir, build);
    expect(loaded.config).toEqual({ channels: 4 });
    model.eval();
    loaded.module.eval();
    const y0 = model.forward(x);
    const y1 = loaded.module.forward(x);
    expect(maxAbsDiff(y0, y1)).toBe(0);
    expect(maxAbsDiff(model.getBuffer('1.running_mean'), loaded.module.getBuffer('1.running_mean'))).toBe(0);

    // Into an existing module.
    const other = build({ channels: 4 });
    const again = await loadModel(dir, other);
    expect(again.module).toBe(other);
    tf.dispose([x, y0, y1]);
    for (const m of [model, loaded.module, other]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('overwrites a folder in place and detects a config that does not belong to the weights', async () => {
    const dir = join(root, 'b');
    const model = build({ channels: 2 });
    await saveModel(dir, model, { config: { channels: 2 } });
    await saveModel(dir, model, { config: { channels: 2 } });
    expect(readdirSync(dir).sort()).toEqual([CONFIG_FILE, WEIGHTS_FILE]);
    writeFileSync(join(dir, CONFIG_FILE), JSON.stringify({ channels: 3 }));
    await expect(loadModel(dir, build)).rejects.toThrow(/does not match the config saved with the weights/);
    writeFileSync(join(dir, CONFIG_FILE), '{ not json');
    await expect(loadModel(dir, build)).rejects.toThrow(ParseError);
    rmSync(join(dir, CONFIG_FILE));
    const { module, config } = await loadModel<Sequential, Config>(dir, build); // config from the weights' metadata
    expect(config).toEqual({ channels: 2 });
    module.dispose();
    model.dispose();
  });

  it('disposes a module it built when the weights do not fit; a missing folder is a ParseError', async () => {
    const dir = join(root, 'c');
    const model = build({ channels: 2 });
    await saveModel(dir, model, { config: { channels: 2 } });
    model.dispose();
    const before = tf.memory().numTensors;
    await expect(loadModel(dir, () => build({ channels: 5 }))).rejects.toThrow(/size mismatch for 0.weight/);
    await expect(loadModel(dir, () => new Sequential(new Conv2d(3, 2, 3, { padding: 1 })))).rejects.toThrow(InvalidConfigError);
    expect(tf.memory().numTensors).toBe(before);
    await expect(loadModel(join(root, 'nope'), build)).rejects.toThrow(ParseError);
  });
});
