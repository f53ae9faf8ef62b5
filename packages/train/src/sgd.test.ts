import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { SGD } from './sgd';
import { assertNoLeaks, expectClose, reference, useCpuBackend } from './test-helpers.test-helper';

const ref = reference();

describe('SGD (torch.optim.SGD parity)', () => {
  useCpuBackend();
  assertNoLeaks();

  const makeParams = () => {
    const out: Record<string, tf.Variable> = {};
    for (const [name, shape] of Object.entries(ref.sgd.shapes as Record<string, number[]>)) {
      const t = tf.tensor(ref.sgd.init[name], shape);
      out[name] = tf.variable(t, true);
      t.dispose();
    }
    return out;
  };

  for (const c of ref.sgd.cases) {
    const label = JSON.stringify(c.options);
    it(`matches torch after every step: ${label}`, () => {
      const params = makeParams();
      const opt = new SGD(params, { lr: 1, ...c.options });
      let maxErr = 0;
      ref.sgd.grads.forEach((step: Record<string, number[] | null>, s: number) => {
        const grads: Record<string, tf.Tensor> = {};
        for (const [name, g] of Object.entries(step)) if (g !== null) grads[name] = tf.tensor(g, params[name].shape);
        opt.step(grads, ref.sgd.lrs[s]);
        tf.dispose(Object.values(grads));
        for (const [name, p] of Object.entries(params)) {
          const got = p.dataSync();
          const want = c.after[s][name] as number[];
          expectClose(got, want, 1e-6, `${label} step ${s} ${name}`);
          want.forEach((w, i) => {
            maxErr = Math.max(maxErr, Math.abs(got[i] - w));
          });
        }
      });
      const state = opt.stateDict();
      expect([...state.keys()].sort()).toEqual(Object.keys(c.buffers).sort());
      for (const [name, want] of Object.entries(c.buffers as Record<string, number[]>)) expectClose(state.get(name)!.dataSync(), want, 1e-6, `${label} buffer ${name}`);
      expect(maxErr).toBeLessThan(1e-6);
      opt.dispose();
      tf.dispose(Object.values(params));
    });
  }

  it('restores momentum buffers from a state dict: a split run equals an unbroken one', () => {
    const c = ref.sgd.cases[3]; // nesterov + weight decay
    const a = makeParams();
    const b = makeParams();
    const optA = new SGD(a, { lr: 1, ...c.options });
    let optB = new SGD(b, { lr: 1, ...c.options });
    ref.sgd.grads.forEach((step: Record<string, number[] | null>, s: number) => {
      if (s === 2) {
        const saved = new Map([...optB.stateDict()].map(([k, v]) => [k, tf.clone(v)]));
        optB.dispose();
        optB = new SGD(b, { lr: 1, ...c.options });
        optB.loadStateDict(saved);
        tf.dispose([...saved.values()]);
      }
      for (const [params, opt] of [
        [a, optA],
        [b, optB],
      ] as const) {
        const grads: Record<string, tf.Tensor> = {};
        for (const [name, g] of Object.entries(step)) if (g !== null) grads[name] = tf.tensor(g, params[name].shape);
        opt.step(grads, ref.sgd.lrs[s]);
        tf.dispose(Object.values(grads));
      }
    });
    for (const name of Object.keys(a)) expect(Array.from(b[name].dataSync())).toEqual(Array.from(a[name].dataSync()));
    optA.dispose();
    optB.dispose();
    tf.dispose([...Object.values(a), ...Object.values(b)]);
  });

  it('keeps the tensor count constant over many steps', () => {
    const params = makeParams();
    const opt = new SGD(params, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4, nesterov: true });
    const grads = { a: tf.onesLike(params.a), b: tf.onesLike(params.b) };
    opt.step(grads);
    const after = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) opt.step(grads);
    expect(tf.memory().numTensors).toBe(after);
    opt.dispose();
    tf.dispose([...Object.values(grads), ...Object.values(params)]);
  });

  it('rejects bad options, unknown names and wrong shapes', () => {
    const params = makeParams();
    expect(() => new SGD(params, { lr: -1 })).toThrow(/lr/);
    expect(() => new SGD(params, { lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new SGD(params, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov/);
    const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
    const g = tf.ones([2]);
    expect(() => opt.step({ c: g })).toThrow(/does not hold/);
    expect(() => opt.step({ b: g })).toThrow(/shape/);
    expect(() => opt.loadStateDict({ c: g })).toThrow(/unknown parameter/);
    const ok = tf.ones([4]);
    expect(() => opt.step({ b: ok }, Number.NaN)).toThrow(/learning rate/);
    tf.dispose([g, ok]);
    opt.dispose();
    tf.dispose(Object.values(params));
  });
});
