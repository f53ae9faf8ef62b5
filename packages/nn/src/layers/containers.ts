import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { type AnyModule, Module } from '../module';

/**
 * Children called in order, each on the previous one's output (PyTorch `nn.Sequential`). Children are named
 * '0', '1', … or, with {@link Sequential.named}, by the given names.
 */
export class Sequential extends Module<[tf.Tensor], tf.Tensor> {
  static override readonly torchName = 'Sequential';

  constructor(...modules: AnyModule[]) {
    super();
    modules.forEach((m, i) => {
      this.registerModule(String(i), m);
    });
  }

  /** A Sequential with named children (PyTorch's `Sequential(OrderedDict(...))`). */
  static named(entries: Record<string, AnyModule> | Iterable<[string, AnyModule]>): Sequential {
    const s = new Sequential();
    const list = Symbol.iterator in entries ? [...(entries as Iterable<[string, AnyModule]>)] : Object.entries(entries);
    for (const [name, m] of list) s.registerModule(name, m);
    return s;
  }

  /** Number of children. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** The i-th child (negative counts from the end). */
  at<M extends AnyModule = AnyModule>(i: number): M {
    const list = this.children();
    const j = i < 0 ? i + list.length : i;
    if (j < 0 || j >= list.length) throw new InvalidConfigError('index out of range', { index: i, expected: `-${list.length} ≤ i < ${list.length}` });
    return list[j] as M;
  }

  /** Appends a child named by its position. Returns this. */
  append(module: AnyModule): this {
    this.registerModule(String(this.namedChildren().length), module);
    return this;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const m of this.children()) h = m.forward(h);
      return h;
    });
  }

  [Symbol.iterator](): Iterator<AnyModule> {
    return this.children()[Symbol.iterator]();
  }
}

/** An indexable list of children named '0', '1', … (PyTorch `nn.ModuleList`); it has no forward of its own. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  static override readonly torchName = 'ModuleList';

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  get length(): number {
    return this.namedChildren().length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): M {
    const list = this.children();
    const j = i < 0 ? i + list.length : i;
    if (j < 0 || j >= list.length) throw new InvalidConfigError('index out of range', { index: i, expected: `-${list.length} ≤ i < ${list.length}` });
    return list[j] as M;
  }

  append(module: M): this {
    this.registerModule(String(this.namedChildren().length), module);
    return this;
  }

  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  map<T>(fn: (m: M, i: number) => T): T[] {
    return (this.children() as M[]).map(fn);
  }

  forward(): never {
    throw new InvalidConfigError('ModuleList has no forward: call its modules', { field: 'forward' });
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }
}

/** Children by name, insertion order kept (PyTorch `nn.ModuleDict`); it has no forward of its own. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  static override readonly torchName = 'ModuleDict';

  constructor(entries: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const list = Symbol.iterator in entries ? [...(entries as Iterable<[string, M]>)] : Object.entries(entries);
    for (const [name, m] of list) this.registerModule(name, m);
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  values(): M[] {
    return this.children() as M[];
  }

  entries(): [string, M][] {
    return this.namedChildren() as [string, M][];
  }

  get size(): number {
    return this.namedChildren().length;
  }

  forward(): never {
    throw new InvalidConfigError('ModuleDict has no forward: call its modules', { field: 'forward' });
  }
}
