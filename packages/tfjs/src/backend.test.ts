import { InvalidConfigError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { type BackendName, initBackend } from './backend';
import { tf } from './index';

describe('initBackend', () => {
  it('picks the best installed backend (no native bindings here → wasm) and honours a named one', async () => {
    expect(await initBackend()).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
  it('names the backends that are available when the requested one is not', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(InvalidConfigError);
    await expect(initBackend('tensorflow')).rejects.toThrow(/one of wasm, cpu/);
    await expect(initBackend('webgpu' as BackendName)).rejects.toThrow(/unknown backend/);
  });
  it('every gradient of tfjs-core is registered', () => {
    for (const kernel of ['Conv2D', 'MaxPool', 'FusedBatchNorm', 'ResizeBilinear', 'GatherV2', 'Softmax', 'Sum', 'Mean', 'Relu', 'Concat']) {
      expect(tf.getGradient(kernel), kernel).toBeDefined();
    }
  });
});
