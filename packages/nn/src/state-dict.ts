import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import type { AnyModule } from './module';

/** Name → tensor, PyTorch names (`features.0.weight`), insertion order kept. */
export type StateDict = Map<string, tf.Tensor>;

/** Where a state dict comes from: its layout. */
export type StateDictSource = 'torchvision' | 'det';

export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (PyTorch's `strict`). Default true. Shape mismatches always throw. */
  strict?: boolean;
  /**
   * `'det'` (default): tensors are in @det layout (what `stateDict()` / `saveModel` produce).
   * `'torchvision'`: tensors are in PyTorch layout (OIHW conv weights, [out, in] Linear weights), as read from
   * a converted `.pth` or a safetensors file written by PyTorch; converted by key on load.
   */
  source?: StateDictSource;
}

export interface LoadStateDictResult {
  /** Keys the module has that the dict lacks (empty in strict mode, which throws instead). */
  missingKeys: string[];
  /** Keys the dict has that the module lacks (empty in strict mode, which throws instead). */
  unexpectedKeys: string[];
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

function inversePermutation(perm: number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** Every (key, owner module, local name) of a module tree's state, in state-dict order. */
function stateEntries(root: AnyModule): { key: string; owner: AnyModule; name: string; target: tf.Variable }[] {
  const out: { key: string; owner: AnyModule; name: string; target: tf.Variable }[] = [];
  const walk = (m: AnyModule, pre: string) => {
    for (const [name, target] of m.ownState()) out.push({ key: pre + name, owner: m, name, target });
    for (const [name, c] of m.namedChildren()) walk(c, `${pre}${name}.`);
  };
  walk(root, '');
  return out;
}

/**
 * Loads `dict` into `module` (see `Module.loadStateDict`): validates every key and shape first, then assigns,
 * so a failed load leaves the module untouched. Values of another dtype are cast (int64-derived int32 buffers,
 * float16-derived float32 weights).
 */
export function loadStateDict(
  module: AnyModule,
  dict: StateDict | Record<string, tf.Tensor>,
  { strict = true, source = 'det' }: LoadStateDictOptions = {},
): LoadStateDictResult {
  if (source !== 'det' && source !== 'torchvision') {
    throw new InvalidConfigError('unknown state dict source', { field: 'source', expected: "'det' or 'torchvision'", received: source });
  }
  const entries = dict instanceof Map ? dict : new Map(Object.entries(dict));
  const expected = stateEntries(module);
  const known = new Set(expected.map((e) => e.key));
  const ignored = new Set<string>();
  for (const [prefix, m] of module.namedModules()) for (const k of m.ignoredStateKeys()) ignored.add(prefix ? `${prefix}.${k}` : k);

  const missingKeys: string[] = [];
  const mismatches: string[] = [];
  let firstMismatch: { key: string; expected: string; received: number[] } | undefined;
  const plan: { target: tf.Variable; value: tf.Tensor; perm: number[] | undefined }[] = [];
  for (const { key, owner, name, target } of expected) {
    const value = entries.get(key);
    if (value === undefined) {
      if (!owner.optionalStateKeys().includes(name)) missingKeys.push(key);
      continue;
    }
    const perm = source === 'torchvision' ? owner.torchPermutation(name, target.rank) : undefined;
    const want = perm === undefined ? target.shape : inversePermutation(perm).map((axis) => target.shape[axis]);
    if (value.rank !== want.length || value.shape.some((d, i) => d !== want[i])) {
      const layout = perm === undefined ? '' : ` (PyTorch layout; ${shapeText(target.shape)} in @det layout)`;
      mismatches.push(`size mismatch for ${key}: expected ${shapeText(want)}${layout}, got ${shapeText(value.shape)}`);
      firstMismatch ??= { key, expected: `${shapeText(want)}${layout}`, received: value.shape };
      continue;
    }
    plan.push({ target, value, perm });
  }
  const unexpectedKeys = [...entries.keys()].filter((k) => !known.has(k) && !ignored.has(k));

  if (firstMismatch !== undefined) {
    const more = strict && (missingKeys.length > 0 || unexpectedKeys.length > 0) ? `; ${describeKeys(missingKeys, unexpectedKeys)}` : '';
    throw new ShapeMismatchError(`error(s) loading state dict into ${module.typeName()}: ${mismatches.join('; ')}${more}`, {
      field: firstMismatch.key,
      expected: firstMismatch.expected,
      received: firstMismatch.received,
    });
  }
  if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
    throw new InvalidConfigError(`error(s) loading state dict into ${module.typeName()}: ${describeKeys(missingKeys, unexpectedKeys)}`, {
      field: missingKeys[0] ?? unexpectedKeys[0],
      expected: missingKeys.length > 0 ? 'every key of the module (or strict: false)' : 'only keys the module has (or strict: false)',
    });
  }

  for (const { target, value, perm } of plan) {
    const converted = tf.tidy(() => {
      let v = perm === undefined ? value : tf.transpose(value, perm);
      if (v.dtype !== target.dtype) v = tf.cast(v, target.dtype);
      // A fresh tensor for the variable to hold, so that the caller may dispose `dict` afterwards.
      return v === value ? tf.clone(v) : v;
    });
    target.assign(converted);
    converted.dispose();
  }
  return { missingKeys, unexpectedKeys };
}

function describeKeys(missing: string[], unexpected: string[]): string {
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing key(s): ${missing.map((k) => `"${k}"`).join(', ')}`);
  if (unexpected.length > 0) parts.push(`unexpected key(s): ${unexpected.map((k) => `"${k}"`).join(', ')}`);
  return parts.join('; ');
}

/**
 * The state dict in PyTorch layout (OIHW conv weights, [out, in] Linear weights): new tensors that the caller
 * disposes (e.g. with `tf.dispose([...dict.values()])`). Write it with `writeSafetensors` to load it in PyTorch.
 */
export function toTorchStateDict(module: AnyModule): StateDict {
  const out: StateDict = new Map();
  for (const { key, owner, name, target } of stateEntries(module)) {
    const perm = owner.torchPermutation(name, target.rank);
    out.set(key, perm === undefined ? tf.clone(target) : tf.transpose(target, inversePermutation(perm)));
  }
  return out;
}
