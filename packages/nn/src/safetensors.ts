import { InvalidConfigError, ParseError } from '@det/core';
import { tf } from '@det/tfjs';
import { atomicWriteFile } from './atomic-write';

/** Element types of the safetensors format that this reader understands. */
export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U64' | 'U32' | 'U16' | 'U8' | 'BOOL';

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };

/** A decoded file: tensors by name (file order) and the `__metadata__` strings. */
export interface SafetensorsFile {
  /** New tensors: float32 for F64/F32/F16/BF16, int32 for the integer types (range-checked), bool for BOOL. The caller disposes them. */
  tensors: Map<string, tf.Tensor>;
  metadata: Record<string, string>;
}

/** Tensors to write: a Map or a record, name → tensor (float32 → F32, int32 → I32, bool → BOOL). */
export type TensorMap = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

const MAX_HEADER = 100 * 1024 * 1024;

function littleEndianHost(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** IEEE half → float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function toInt32(values: ArrayLike<number | bigint>, name: string, file: string | undefined): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < -2147483648 || v > 2147483647) {
      throw new ParseError('integer does not fit in int32 (tfjs has no int64)', { file, field: name, index: i, expected: '-2^31 ≤ v < 2^31', received: String(v) });
    }
    out[i] = Number(v);
  }
  return out;
}

function decodeData(dtype: SafetensorsDtype, chunk: Uint8Array, name: string, file: string | undefined): { values: Float32Array | Int32Array | Uint8Array; dtype: 'float32' | 'int32' | 'bool' } {
  const buf = chunk.buffer as ArrayBuffer;
  const count = chunk.byteLength / BYTES[dtype];
  switch (dtype) {
    case 'F32':
      return { values: new Float32Array(buf, 0, count), dtype: 'float32' };
    case 'F64':
      return { values: Float32Array.from(new Float64Array(buf, 0, count)), dtype: 'float32' };
    case 'F16': {
      const half = new Uint16Array(buf, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(half[i]);
      return { values: out, dtype: 'float32' };
    }
    case 'BF16': {
      const bits = new Uint16Array(buf, 0, count);
      const wide = new Uint32Array(count);
      for (let i = 0; i < count; i++) wide[i] = bits[i] << 16;
      return { values: new Float32Array(wide.buffer), dtype: 'float32' };
    }
    case 'I64':
      return { values: toInt32(new BigInt64Array(buf, 0, count), name, file), dtype: 'int32' };
    case 'U64':
      return { values: toInt32(new BigUint64Array(buf, 0, count), name, file), dtype: 'int32' };
    case 'U32':
      return { values: toInt32(new Uint32Array(buf, 0, count), name, file), dtype: 'int32' };
    case 'I32':
      return { values: new Int32Array(buf, 0, count), dtype: 'int32' };
    case 'I16':
      return { values: Int32Array.from(new Int16Array(buf, 0, count)), dtype: 'int32' };
    case 'U16':
      return { values: Int32Array.from(new Uint16Array(buf, 0, count)), dtype: 'int32' };
    case 'I8':
      return { values: Int32Array.from(new Int8Array(buf, 0, count)), dtype: 'int32' };
    case 'U8':
      return { values: Int32Array.from(chunk), dtype: 'int32' };
    case 'BOOL':
      return { values: Uint8Array.from(chunk, (b) => (b ? 1 : 0)), dtype: 'bool' };
  }
}

/**
 * Decodes a safetensors file: an 8-byte little-endian header length, a JSON header
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: string } }`, then the raw
 * little-endian data (offsets relative to its start). F16/BF16/F64 become float32; I64/U64/U32 become int32
 * after a range check (a value outside int32 is a ParseError naming the tensor and index); I16/I8/U16/U8 become
 * int32; BOOL becomes bool. Malformed files give a ParseError naming `file` and the tensor.
 */
export function decodeSafetensors(bytes: Uint8Array, { file }: { file?: string } = {}): SafetensorsFile {
  if (!littleEndianHost()) throw new ParseError('safetensors decoding needs a little-endian host', { file });
  if (bytes.byteLength < 8) throw new ParseError('file is shorter than the 8-byte header length', { file, received: bytes.byteLength });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(MAX_HEADER, bytes.byteLength - 8))) {
    throw new ParseError('header length runs past the end of the file', { file, field: 'header', expected: `≤ ${bytes.byteLength - 8}`, received: headerLength.toString() });
  }
  const n = Number(headerLength);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new ParseError(`header is not valid JSON (${(e as Error).message})`, { file, field: 'header' });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new ParseError('header is not a JSON object', { file, field: 'header' });
  const dataStart = 8 + n;
  const dataLength = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, tf.Tensor>();
  try {
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') {
        if (entry === null || typeof entry !== 'object') throw new ParseError('__metadata__ must be an object of strings', { file, field: name });
        for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
          if (typeof v !== 'string') throw new ParseError('__metadata__ values must be strings', { file, field: `__metadata__.${k}`, received: v });
          metadata[k] = v;
        }
        continue;
      }
      const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof dtype !== 'string' || !(dtype in BYTES)) {
        throw new ParseError('unsupported dtype', { file, field: name, expected: Object.keys(BYTES).join(', '), received: dtype });
      }
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new ParseError('shape must be an array of non-negative integers', { file, field: name, received: shape });
      }
      if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0) || offsets[0] > offsets[1] || offsets[1] > dataLength) {
        throw new ParseError('data_offsets must be [begin, end] within the data section', { file, field: name, expected: `0 ≤ begin ≤ end ≤ ${dataLength}`, received: offsets });
      }
      const st = dtype as SafetensorsDtype;
      const count = (shape as number[]).reduce((a, b) => a * b, 1);
      if (offsets[1] - offsets[0] !== count * BYTES[st]) {
        throw new ParseError('byte length does not match shape × dtype size', { file, field: name, expected: `${count * BYTES[st]} bytes`, received: offsets[1] - offsets[0] });
      }
      // Uint8Array's slice copies into a fresh, aligned buffer (a Node Buffer's own slice would not).
      const chunk = Uint8Array.prototype.slice.call(bytes, dataStart + offsets[0], dataStart + offsets[1]);
      const { values, dtype: tfDtype } = decodeData(st, chunk, name, file);
      tensors.set(name, tf.tensor(values, shape as number[], tfDtype));
    }
  } catch (e) {
    tf.dispose([...tensors.values()]);
    throw e;
  }
  return { tensors, metadata };
}

/** Encodes tensors (float32 → F32, int32 → I32, bool → BOOL) and string metadata as a safetensors file. */
export function encodeSafetensors(tensors: TensorMap, { metadata }: { metadata?: Record<string, string> } = {}): Uint8Array {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new InvalidConfigError('safetensors metadata values must be strings', { field: `metadata.${k}`, received: v });
    }
    header.__metadata__ = metadata;
  }
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of list) {
    if (name === '__metadata__') throw new InvalidConfigError('tensor name is reserved', { field: name });
    let data: Uint8Array;
    let dtype: SafetensorsDtype;
    if (t.dtype === 'float32') {
      data = new Uint8Array((t.dataSync() as Float32Array).slice().buffer);
      dtype = 'F32';
    } else if (t.dtype === 'int32') {
      data = new Uint8Array((t.dataSync() as Int32Array).slice().buffer);
      dtype = 'I32';
    } else if (t.dtype === 'bool') {
      data = Uint8Array.from(t.dataSync() as Uint8Array, (b) => (b ? 1 : 0));
      dtype = 'BOOL';
    } else {
      throw new InvalidConfigError('cannot write this dtype to safetensors', { field: name, expected: 'float32, int32 or bool', received: t.dtype });
    }
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + data.byteLength] };
    chunks.push(data);
    offset += data.byteLength;
  }
  let json = JSON.stringify(header);
  let headerBytes = new TextEncoder().encode(json);
  const pad = (8 - (headerBytes.byteLength % 8)) % 8;
  if (pad > 0) {
    json += ' '.repeat(pad);
    headerBytes = new TextEncoder().encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.byteLength;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Reads a safetensors file from a path (Node) or decodes bytes already in memory. See {@link decodeSafetensors}. */
export async function readSafetensors(source: string | Uint8Array): Promise<SafetensorsFile> {
  if (typeof source !== 'string') return decodeSafetensors(source);
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(source));
  } catch (e) {
    throw new ParseError(`cannot read safetensors file (${(e as Error).message})`, { file: source });
  }
  return decodeSafetensors(bytes, { file: source });
}

/**
 * Encodes tensors as safetensors and, when `path` is given, writes them atomically (temporary file, fsync,
 * rename: readers see the old file or the new one, never a partial one). Returns the encoded bytes.
 */
export async function writeSafetensors(tensors: TensorMap, path?: string, options: { metadata?: Record<string, string> } = {}): Promise<Uint8Array> {
  const bytes = encodeSafetensors(tensors, options);
  if (path !== undefined) await atomicWriteFile(path, bytes);
  return bytes;
}
