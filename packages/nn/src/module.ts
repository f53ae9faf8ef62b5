import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { addIndent } from './repr';
import { type LoadStateDictOptions, type LoadStateDictResult, loadStateDict, type StateDict } from './state-dict';

// biome-ignore lint/suspicious/noExplicitAny: a child may take and return anything.
export type AnyModule = Module<any, any>;

/** Options of the `named*` walkers. */
export interface NamedOptions {
  /** Prepended to every name (with a dot). Default ''. */
  prefix?: string;
  /** Include submodules' entries. Default true. */
  recurse?: boolean;
}

/** Options of {@link Module.set}. */
export interface SetModuleOptions {
  /** Dispose the replaced module's parameters and buffers. Default false: the old module is returned intact. */
  dispose?: boolean;
}

const isValidName = (name: string) => typeof name === 'string' && name.length > 0 && !name.includes('.');

/**
 * Base class of every layer and model, mirroring PyTorch's `nn.Module`: named children, parameters
 * (trainable `tf.Variable`s) and buffers (non-trainable `tf.Variable`s such as BatchNorm's running
 * statistics), each kept in registration order, so that names such as `features.0.weight` and state
 * dicts match PyTorch's. Activations are NHWC; convolution weights are HWIO internally (converted from
 * PyTorch's OIHW on load, see {@link Module.loadStateDict}).
 *
 * Subclasses register what they own in the constructor and implement {@link Module.forward}:
 * ```ts
 * class Block extends Module {
 *   constructor() {
 *     super();
 *     this.registerModule('conv', new Conv2d(3, 8, 3, { padding: 1 }));
 *     this.registerModule('relu', new ReLU());
 *   }
 *   forward(x: tf.Tensor) { return this.get('relu').forward(this.get('conv').forward(x)); }
 * }
 * ```
 * Buffers are variables, so updating them inside `tf.tidy` or `tf.variableGrads` is safe.
 */
export abstract class Module<TArgs extends unknown[] = [tf.Tensor], TOut = tf.Tensor> {
  /**
   * Name printed by `toString()` for this exact class (not inherited by subclasses, which print their own
   * class name). Built-in layers set it so that printouts survive minification.
   */
  static readonly torchName?: string;

  /** Training mode (true) or evaluation mode (false); see {@link Module.train} and {@link Module.eval}. */
  training = true;

  readonly #modules = new Map<string, AnyModule | null>();
  readonly #parameters = new Map<string, tf.Variable | null>();
  readonly #buffers = new Map<string, tf.Variable | null>();
  readonly #nonPersistent = new Set<string>();
  #disposed = false;

  /** The computation. Takes and returns NHWC tensors for image layers. */
  abstract forward(...args: TArgs): TOut;

  /** Alias of {@link Module.forward} (PyTorch's `module(x)`). */
  call(...args: TArgs): TOut {
    return this.forward(...args);
  }

  // ---------------------------------------------------------------- registration

  #checkName(name: string, kind: 'module' | 'parameter' | 'buffer'): void {
    if (!isValidName(name)) {
      throw new InvalidConfigError(`invalid ${kind} name`, { field: String(name), expected: 'a non-empty name without "."' });
    }
    const taken =
      (kind !== 'module' && this.#modules.has(name)) ||
      (kind !== 'parameter' && this.#parameters.has(name)) ||
      (kind !== 'buffer' && this.#buffers.has(name));
    if (taken) throw new InvalidConfigError(`name is already used by another member of ${this.typeName()}`, { field: name });
  }

  /** Adds (or replaces) the child `name` and returns it. PyTorch's `add_module` / attribute assignment. */
  registerModule<M extends AnyModule | null>(name: string, module: M): M {
    this.#checkName(name, 'module');
    this.#modules.set(name, module);
    return module;
  }

  /** Alias of {@link Module.registerModule} (PyTorch's name). */
  addModule<M extends AnyModule | null>(name: string, module: M): M {
    return this.registerModule(name, module);
  }

  /**
   * Adds the parameter `name`: a trainable float32 variable. A plain tensor is wrapped into a new variable and
   * disposed (the module owns the value from now on); a variable is adopted as is.
   */
  registerParameter(name: string, value: tf.Tensor): tf.Variable;
  registerParameter(name: string, value: null): null;
  registerParameter(name: string, value: tf.Tensor | null): tf.Variable | null {
    this.#checkName(name, 'parameter');
    const v = value === null ? null : toVariable(value, true);
    this.#parameters.set(name, v);
    return v;
  }

  /**
   * Adds the buffer `name` (state that is not trained, e.g. running statistics), stored as a non-trainable
   * variable; a plain tensor is adopted and disposed like in {@link Module.registerParameter}. Non-persistent
   * buffers are left out of state dicts, as in PyTorch.
   */
  registerBuffer(name: string, value: tf.Tensor, options?: { persistent?: boolean }): tf.Variable;
  registerBuffer(name: string, value: null, options?: { persistent?: boolean }): null;
  registerBuffer(name: string, value: tf.Tensor | null, { persistent = true }: { persistent?: boolean } = {}): tf.Variable | null {
    this.#checkName(name, 'buffer');
    const v = value === null ? null : toVariable(value, false);
    this.#buffers.set(name, v);
    if (persistent) this.#nonPersistent.delete(name);
    else this.#nonPersistent.add(name);
    return v;
  }

  /** This module's own parameter `name` (throws when absent; null when registered as null). */
  protected param(name: string): tf.Variable {
    const p = this.#parameters.get(name);
    if (p === undefined || p === null) throw new InvalidConfigError(`${this.typeName()} has no parameter`, { field: name });
    return p;
  }

  /** Whether this module itself holds a (non-null) parameter `name`. */
  protected hasParam(name: string): boolean {
    return (this.#parameters.get(name) ?? null) !== null;
  }

  /** This module's own buffer `name` (throws when absent). */
  protected buffer(name: string): tf.Variable {
    const b = this.#buffers.get(name);
    if (b === undefined || b === null) throw new InvalidConfigError(`${this.typeName()} has no buffer`, { field: name });
    return b;
  }

  /** Whether this module itself holds a (non-null) buffer `name`. */
  protected hasBuffer(name: string): boolean {
    return (this.#buffers.get(name) ?? null) !== null;
  }

  // ---------------------------------------------------------------- traversal

  /** Direct children with their names, in registration order (null slots skipped). */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [name, m] of this.#modules) if (m !== null) out.push([name, m]);
    return out;
  }

  /** Direct children in registration order. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module ('' or `prefix`) and every descendant, pre-order, with dotted names; each module once. */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const walk = (m: AnyModule, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, c] of m.namedChildren()) walk(c, name ? `${name}.${child}` : child);
    };
    walk(this, prefix);
    return out;
  }

  /** This module and every descendant, pre-order. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  #named(kind: 'parameters' | 'buffers', { prefix = '', recurse = true }: NamedOptions): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    const seen = new Set<tf.Variable>();
    const owners: [string, AnyModule][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of owners) {
      const own = kind === 'parameters' ? m.#parameters : m.#buffers;
      for (const [name, v] of own) {
        if (v === null || seen.has(v)) continue;
        seen.add(v);
        out.push([modName ? `${modName}.${name}` : name, v]);
      }
    }
    return out;
  }

  /** Parameters with dotted names (`features.0.weight`), registration order, each variable once. */
  namedParameters(options: NamedOptions = {}): [string, tf.Variable][] {
    return this.#named('parameters', options);
  }

  /** Parameters in registration order (each variable once). */
  parameters(recurse = true): tf.Variable[] {
    return this.namedParameters({ recurse }).map(([, p]) => p);
  }

  /** Parameters whose `trainable` flag is set: the `varList` to give an optimizer. */
  trainableParameters(): tf.Variable[] {
    return this.parameters().filter((p) => p.trainable);
  }

  /** Buffers (BatchNorm's `running_mean`, `running_var`, `num_batches_tracked` …) with dotted names. */
  namedBuffers(options: NamedOptions = {}): [string, tf.Variable][] {
    return this.#named('buffers', options);
  }

  /** Buffers in registration order. */
  buffers(recurse = true): tf.Variable[] {
    return this.namedBuffers({ recurse }).map(([, b]) => b);
  }

  /** Number of parameter elements (all, or only trainable ones). */
  numParameters({ trainableOnly = false }: { trainableOnly?: boolean } = {}): number {
    return (trainableOnly ? this.trainableParameters() : this.parameters()).reduce((n, p) => n + p.size, 0);
  }

  /** Calls `fn` on every descendant, children first, then on this module (PyTorch's `apply`). Returns this. */
  apply(fn: (m: AnyModule) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  // ---------------------------------------------------------------- modes and freezing

  /** Sets training mode on this module and all descendants (BatchNorm batch statistics, Dropout). Returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  /** Evaluation mode: `train(false)`. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Sets the `trainable` flag of every parameter of this module and its descendants (PyTorch's
   * `requires_grad_`). Frozen parameters get no gradient from `tf.variableGrads()` and are left out of
   * {@link Module.trainableParameters}. For one parameter set `variable.trainable` directly. Returns this.
   */
  requiresGrad(flag = true): this {
    for (const p of this.parameters()) p.trainable = flag;
    return this;
  }

  // ---------------------------------------------------------------- paths and surgery

  /** The descendant at a dotted path (`'roi_heads.box_predictor'`; '' is this module). */
  get<M extends AnyModule = AnyModule>(path: string): M {
    if (path === '') return this as unknown as M;
    let m: AnyModule = this;
    let at = '';
    for (const part of path.split('.')) {
      const next = m.#modules.get(part);
      if (next === undefined || next === null) {
        const names = [...m.#modules.keys()];
        throw new InvalidConfigError(`no submodule '${part}' in ${at || 'the root module'} (${m.typeName()})`, {
          field: path,
          expected: names.length > 0 ? `one of ${names.join(', ')}` : 'a module with children',
        });
      }
      m = next;
      at = at ? `${at}.${part}` : part;
    }
    return m as M;
  }

  /** Whether a descendant exists at the dotted path. */
  has(path: string): boolean {
    try {
      this.get(path);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Replaces (or adds) the child at a dotted path, keeping its position in the registration order, so names,
   * `parameters()` and state dicts follow the new module. Fields of the parent that pointed at the old module
   * are pointed at the new one. Returns the old module (disposed when `dispose` is set), or undefined when the
   * name was new.
   */
  set(path: string, module: AnyModule, { dispose = false }: SetModuleOptions = {}): AnyModule | undefined {
    const dot = path.lastIndexOf('.');
    const parent = this.get(dot < 0 ? '' : path.slice(0, dot));
    const name = dot < 0 ? path : path.slice(dot + 1);
    const old = parent.#modules.get(name) ?? undefined;
    parent.registerModule(name, module);
    if (old !== undefined) {
      const fields = parent as unknown as Record<string, unknown>;
      for (const key of Object.keys(fields)) if (fields[key] === old) fields[key] = module;
      if (dispose) old.dispose();
    }
    return old;
  }

  /** The parameter at a dotted path (`'features.0.weight'`). */
  getParameter(path: string): tf.Variable {
    const dot = path.lastIndexOf('.');
    const owner = this.get(dot < 0 ? '' : path.slice(0, dot));
    const p = owner.#parameters.get(path.slice(dot + 1));
    if (p === undefined || p === null) {
      throw new InvalidConfigError('no such parameter', { field: path, expected: `one of ${[...owner.#parameters.keys()].join(', ') || '(none)'}` });
    }
    return p;
  }

  /** The buffer at a dotted path (`'features.1.running_mean'`). */
  getBuffer(path: string): tf.Variable {
    const dot = path.lastIndexOf('.');
    const owner = this.get(dot < 0 ? '' : path.slice(0, dot));
    const b = owner.#buffers.get(path.slice(dot + 1));
    if (b === undefined || b === null) {
      throw new InvalidConfigError('no such buffer', { field: path, expected: `one of ${[...owner.#buffers.keys()].join(', ') || '(none)'}` });
    }
    return b;
  }

  // ---------------------------------------------------------------- state dicts

  /**
   * Parameters and persistent buffers by PyTorch name, in PyTorch's order (each module's parameters, then
   * its buffers, then its children's). The values are the live variables in @det layout (HWIO conv weights,
   * [in, out] Linear weights): do not dispose them. See `toTorchStateDict` for PyTorch layout.
   */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    const walk = (m: AnyModule, pre: string) => {
      for (const [name, p] of m.#parameters) if (p !== null) out.set(pre + name, p);
      for (const [name, b] of m.#buffers) if (b !== null && !m.#nonPersistent.has(name)) out.set(pre + name, b);
      for (const [name, c] of m.#modules) if (c !== null) walk(c, `${pre}${name}.`);
    };
    walk(this, prefix ? `${prefix}.` : '');
    return out;
  }

  /**
   * Copies values into this module's parameters and buffers by key. With `source: 'torchvision'` the tensors
   * are in PyTorch layout and converted by key (OIHW → HWIO conv weights, [out, in] → [in, out] Linear weights,
   * everything else as is). Strict mode (default) throws on missing or unexpected keys; shape mismatches always
   * throw. Nothing is changed unless every check passes. The caller keeps ownership of `dict`.
   */
  loadStateDict(dict: StateDict | Record<string, tf.Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    return loadStateDict(this, dict, options);
  }

  /**
   * For module authors: the permutation that takes this module's own state entry `name` from PyTorch layout
   * (`rank` dimensions) to the layout the module stores, or undefined when they are the same.
   */
  torchPermutation(_name: string, _rank: number): number[] | undefined {
    return undefined;
  }

  /** For module authors: own state keys that may be absent from a loaded state dict (not reported missing). */
  optionalStateKeys(): readonly string[] {
    return [];
  }

  /** For module authors: own keys that a loaded state dict may carry and that are dropped silently. */
  ignoredStateKeys(): readonly string[] {
    return [];
  }

  /** @internal Own (non-null) parameters and persistent buffers, for the state-dict loader. */
  ownState(): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [name, p] of this.#parameters) if (p !== null) out.push([name, p]);
    for (const [name, b] of this.#buffers) if (b !== null && !this.#nonPersistent.has(name)) out.push([name, b]);
    return out;
  }

  // ---------------------------------------------------------------- printing and disposal

  /** The class name PyTorch would print. */
  typeName(): string {
    const ctor = this.constructor as typeof Module;
    return Object.hasOwn(ctor, 'torchName') && ctor.torchName ? ctor.torchName : ctor.name;
  }

  /** The one-line description inside the parentheses (PyTorch's `extra_repr`). */
  extraRepr(): string {
    return '';
  }

  /** The module tree exactly as PyTorch's `repr(module)` prints it. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines: string[] = [];
    for (const [name, m] of this.#modules) childLines.push(`(${name}): ${addIndent(m === null ? 'None' : m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this.typeName()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  /** Whether {@link Module.dispose} has run. */
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Disposes every parameter and buffer of this module and its descendants. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const v of this.#parameters.values()) if (v !== null && !v.isDisposed) v.dispose();
    for (const v of this.#buffers.values()) if (v !== null && !v.isDisposed) v.dispose();
    for (const m of this.#modules.values()) m?.dispose();
  }
}

function toVariable(value: tf.Tensor, trainable: boolean): tf.Variable {
  if (value instanceof tf.Variable) {
    value.trainable = trainable;
    return value;
  }
  const v = tf.variable(value, trainable);
  value.dispose();
  return v;
}
