import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { entriesOf, type NamedTensors } from './named';

/** Hyper-parameters of {@link SGD}, with PyTorch's meaning. */
export interface SGDOptions {
  /** Learning rate used when `step` is not given one. */
  lr: number;
  /** Momentum factor. Default 0 (plain SGD). */
  momentum?: number;
  /** Dampening of the momentum. Default 0. */
  dampening?: number;
  /** L2 penalty, added to the gradient (`grad + weightDecay * param`). Default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
}

/** Parameters to optimise: `[name, variable]` pairs (e.g. `module.namedParameters()`) or a record. */
export type NamedVariables = Iterable<readonly [string, tf.Variable]> | Record<string, tf.Variable>;

const nonNegative = (v: number) => Number.isFinite(v) && v >= 0;

/**
 * Stochastic gradient descent with exactly `torch.optim.SGD`'s update, for each parameter `p` with gradient `g`:
 * ```
 * d = g + weightDecay · p
 * buf = d                                   (first step: the buffer starts as the gradient, like PyTorch)
 * buf = momentum · buf + (1 − dampening) · d (later steps)
 * d = nesterov ? d + momentum · buf : buf    (when momentum ≠ 0)
 * p = p − lr · d
 * ```
 * Parameters without a gradient in a step are skipped (no decay, no momentum update), as PyTorch skips
 * `grad is None`. Momentum buffers are non-trainable variables owned by the optimizer: {@link SGD.dispose}
 * frees them.
 */
export class SGD {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly #params: Map<string, tf.Variable>;
  readonly #buffers = new Map<string, tf.Variable>();

  constructor(params: NamedVariables, { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false }: SGDOptions) {
    for (const [field, v] of [['lr', lr], ['momentum', momentum], ['dampening', dampening], ['weightDecay', weightDecay]] as const) {
      if (!nonNegative(v)) throw new InvalidConfigError(`SGD ${field} must be a finite number >= 0`, { field, received: v });
    }
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new InvalidConfigError('Nesterov momentum requires a momentum and zero dampening', { field: 'nesterov', expected: 'momentum > 0 and dampening = 0' });
    }
    this.lr = lr;
    this.momentum = momentum;
    this.dampening = dampening;
    this.weightDecay = weightDecay;
    this.nesterov = nesterov;
    const pairs: (readonly [string, tf.Variable])[] = Symbol.iterator in params ? [...(params as Iterable<readonly [string, tf.Variable]>)] : Object.entries(params);
    this.#params = new Map();
    for (const [name, v] of pairs) {
      if (!(v instanceof tf.Variable)) throw new InvalidConfigError('SGD parameters must be tf.Variables', { field: name });
      if (this.#params.has(name)) throw new InvalidConfigError('duplicate parameter name', { field: name });
      this.#params.set(name, v);
    }
  }

  /** The optimised variables by name. */
  get params(): ReadonlyMap<string, tf.Variable> {
    return this.#params;
  }

  /**
   * Applies one update with the given gradients (by parameter name; names not given are skipped) and learning
   * rate (default the constructor's). Runs inside `tf.tidy`; the gradients stay the caller's to dispose.
   */
  step(grads: NamedTensors, lr: number = this.lr): void {
    if (!nonNegative(lr)) throw new InvalidConfigError('learning rate must be a finite number >= 0', { field: 'lr', received: lr });
    const entries = entriesOf(grads);
    for (const [name, g] of entries) {
      const p = this.#params.get(name);
      if (p === undefined) throw new InvalidConfigError('gradient for a parameter this optimizer does not hold', { field: name });
      if (!tf.util.arraysEqual(g.shape, p.shape)) {
        throw new ShapeMismatchError('gradient shape differs from the parameter shape', { field: name, expected: `[${p.shape}]`, received: `[${g.shape}]` });
      }
    }
    const { momentum, dampening, weightDecay, nesterov } = this;
    tf.tidy(() => {
      for (const [name, g] of entries) {
        const p = this.#params.get(name)!;
        let d: tf.Tensor = weightDecay !== 0 ? tf.add(g, tf.mul(p, weightDecay)) : g;
        if (momentum !== 0) {
          let buf = this.#buffers.get(name);
          if (buf === undefined) {
            // PyTorch: buf = clone(d) on the first step.
            buf = tf.variable(tf.clone(d), false);
            this.#buffers.set(name, buf);
          } else {
            buf.assign(dampening !== 0 ? tf.add(tf.mul(buf, momentum), tf.mul(d, 1 - dampening)) : tf.add(tf.mul(buf, momentum), d));
          }
          d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
        }
        p.assign(tf.sub(p, tf.mul(d, lr)));
      }
    });
  }

  /**
   * The momentum buffers by parameter name (only parameters that have had a gradient). The values are the live
   * buffer variables: do not dispose them (encode them, e.g. with `encodeSafetensors`).
   */
  stateDict(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const name of this.#params.keys()) {
      const b = this.#buffers.get(name);
      if (b !== undefined) out.set(name, b);
    }
    return out;
  }

  /**
   * Replaces the momentum buffers with copies of `state`'s tensors (the caller keeps ownership). Parameters
   * absent from `state` lose their buffer (it starts again from the next gradient). Unknown names and shape
   * mismatches throw before anything is changed.
   */
  loadStateDict(state: NamedTensors): void {
    const entries = entriesOf(state);
    for (const [name, t] of entries) {
      const p = this.#params.get(name);
      if (p === undefined) throw new InvalidConfigError('optimizer state for an unknown parameter', { field: name, expected: `one of ${[...this.#params.keys()].join(', ')}` });
      if (!tf.util.arraysEqual(t.shape, p.shape)) {
        throw new ShapeMismatchError('momentum buffer shape differs from the parameter shape', { field: name, expected: `[${p.shape}]`, received: `[${t.shape}]` });
      }
    }
    for (const b of this.#buffers.values()) b.dispose();
    this.#buffers.clear();
    if (this.momentum === 0) return;
    tf.tidy(() => {
      for (const [name, t] of entries) this.#buffers.set(name, tf.variable(tf.cast(t, 'float32'), false));
    });
  }

  /** Frees the momentum buffers (the parameters are not touched). */
  dispose(): void {
    for (const b of this.#buffers.values()) b.dispose();
    this.#buffers.clear();
  }
}
