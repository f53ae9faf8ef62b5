import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ParseError } from '@det/core';
import { tf } from '@det/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from './safetensors';
import { assertNoLeaks, fixture, fixturePath, useCpuBackend } from './test-helpers.test-helper';

const D = fixture<Record<string, { shape: number[]; values: (number | boolean)[] }>>('dtypes.json');
const dir = mkdtempSync(join(tmpdir(), 'det-nn-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file from a header object and raw data bytes (for malformed-input tests). */
function rawFile(header: unknown, data: Uint8Array = new Uint8Array(0), lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

describe('safetensors', () => {
  useCpuBackend();
  assertNoLeaks();

  it('reads every dtype written by the Python writer (F16/BF16/F64 → float32, integers → int32, BOOL → bool)', async () => {
    const before = tf.memory().numTensors;
    const { tensors, metadata } = await readSafetensors(fixturePath('dtypes.safetensors'));
    expect(metadata).toEqual({ note: 'one tensor per dtype' });
    expect([...tensors.keys()]).toEqual(Object.keys(D));
    for (const [name, want] of Object.entries(D)) {
      const t = tensors.get(name) as tf.Tensor;
      expect(t.shape, name).toEqual(want.shape);
      const dtype = name === 'bool' ? 'bool' : ['f32', 'f16', 'bf16', 'f64', 'empty'].includes(name) ? 'float32' : 'int32';
      expect(t.dtype, name).toBe(dtype);
      const got = Array.from(t.dataSync() as ArrayLike<number>);
      const expected = want.values.map((v) => (typeof v === 'boolean' ? Number(v) : v));
      // Float values are compared after rounding to float32 (F64 is narrowed on read).
      expect(got, name).toEqual(expected.map((v) => (t.dtype === 'float32' ? Math.fround(v as number) : v)));
    }
    expect(Object.is(tensors.get('f16')?.dataSync()[5], -0)).toBe(true);
    tf.dispose([...tensors.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips float32, int32, bool and metadata; the header is padded to 8 bytes', () => {
    const before = tf.memory().numTensors;
    const input = new Map<string, tf.Tensor>([
      ['a.weight', tf.tensor([[1.5, -2], [3, 4e-8]])],
      ['b', tf.tensor([7], [1], 'int32')],
      ['flag', tf.tensor([true, false, true], [3], 'bool')],
      ['s', tf.scalar(0.25)],
    ]);
    const bytes = encodeSafetensors(input, { metadata: { format: 'det' } });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['a.weight']).toEqual({ dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] });
    expect(header.flag.dtype).toBe('BOOL');
    const { tensors, metadata } = decodeSafetensors(bytes);
    expect(metadata).toEqual({ format: 'det' });
    for (const [k, t] of input) {
      const back = tensors.get(k) as tf.Tensor;
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(Array.from(back.dataSync())).toEqual(Array.from(t.dataSync()));
    }
    tf.dispose([...input.values(), ...tensors.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('decodes from a Node Buffer view that does not start at offset 0', () => {
    const t = tf.tensor([1, 2, 3]);
    const bytes = encodeSafetensors({ t });
    const pool = Buffer.alloc(bytes.byteLength + 3);
    pool.set(bytes, 3);
    const { tensors } = decodeSafetensors(pool.subarray(3));
    expect(Array.from(tensors.get('t')?.dataSync() ?? [])).toEqual([1, 2, 3]);
    tf.dispose([t, ...tensors.values()]);
  });

  it('writes atomically to a path and reads it back; no temporary file is left', async () => {
    const t = tf.tensor([1, 2]);
    const path = join(dir, 'w.safetensors');
    const bytes = await writeSafetensors({ t }, path, { metadata: { k: 'v' } });
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    expect(readdirSync(dir)).toEqual(['w.safetensors']);
    const { tensors, metadata } = await readSafetensors(path);
    expect(metadata.k).toBe('v');
    tf.dispose([t, ...tensors.values()]);
    await expect(readSafetensors(join(dir, 'missing.safetensors'))).rejects.toThrow(ParseError);
  });

  it('reports malformed files with a ParseError naming the tensor', () => {
    const before = tf.memory().numTensors;
    const f32 = new Uint8Array(new Float32Array([1, 2]).buffer);
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/shorter than the 8-byte/);
    expect(() => decodeSafetensors(rawFile({}, new Uint8Array(0), 1000n))).toThrow(/runs past the end/);
    const bad = rawFile({});
    bad[8] = 0x5b; // '[' : not an object once parsed? '[}' is invalid JSON
    expect(() => decodeSafetensors(bad)).toThrow(/not valid JSON/);
    expect(() => decodeSafetensors(rawFile({ x: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, f32))).toThrow(/field 'x'.*unsupported dtype/);
    expect(() => decodeSafetensors(rawFile({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32))).toThrow(/byte length does not match/);
    expect(() => decodeSafetensors(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32))).toThrow(/within the data section/);
    expect(() => decodeSafetensors(rawFile({ x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32))).toThrow(/non-negative integers/);
    expect(() => decodeSafetensors(rawFile({ __metadata__: { a: 1 } }))).toThrow(/must be strings/);
    // The first tensor decodes, the second fails: nothing is left allocated.
    const big = new Uint8Array(new BigInt64Array([1n, 2n ** 40n]).buffer);
    const file = rawFile({ ok: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, big: { dtype: 'I64', shape: [2], data_offsets: [8, 24] } }, new Uint8Array([...f32, ...big]));
    let err: ParseError | undefined;
    try {
      decodeSafetensors(file, { file: 'ckpt.safetensors' });
    } catch (e) {
      err = e as ParseError;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect(err?.message).toMatch(/ckpt.safetensors, field 'big', index 1: integer does not fit in int32/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses to write what safetensors cannot hold', () => {
    const c = tf.complex([1], [2]);
    expect(() => encodeSafetensors({ c })).toThrow(/cannot write this dtype/);
    expect(() => encodeSafetensors({}, { metadata: { a: 1 as unknown as string } })).toThrow(/must be strings/);
    c.dispose();
  });
});
