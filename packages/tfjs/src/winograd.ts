import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';
import { filterTransformF2, inputTileF2, outputTileF2 } from './winograd-f2';
import { filterTransformF4, inputTileF4, outputTileF4 } from './winograd-f4';

/**
 * Winograd convolution for the wasm backend (Lavin & Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016): a 3×3, stride-1, undilated convolution computed as (m + 2)² matrix products
 * [tiles, C] × [C, O] (XNNPACK GEMMs) between host-side input and output transforms, with F(4×4, 3×3)
 * (2.25 multiply-adds per output and channel pair where a direct convolution does 9) or F(2×2, 3×3) (4).
 * That is what closes most of the gap between wasm SIMD128 (4 lanes, no fused multiply-add) and PyTorch's
 * native convolutions on VGG/ResNet/FPN-sized layers. Results match the direct convolution to float32
 * rounding (~1e-5 of scale for F(4×4), ~1e-6 for F(2×2)).
 */

/** Backend internals used to read and write tensors in place on the wasm heap. */
interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined; has(dataId: tf.DataId): boolean };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

const SETTINGS = Symbol.for('@det/tfjs.winograd');
type Settings = { enabled: boolean };
const globals = globalThis as unknown as Record<symbol, Settings | undefined>;
/** Shared by the ESM and CJS builds; `DET_WINOGRAD=0` in the environment turns it off at start-up. */
const settings: Settings = globals[SETTINGS] ?? (globals[SETTINGS] = { enabled: typeof process === 'undefined' || process.env?.DET_WINOGRAD !== '0' });

/**
 * Turns the Winograd path of the wasm Conv2D kernel on or off (default on; `DET_WINOGRAD=0` starts it off).
 * Off, every convolution runs XNNPACK's direct kernel. Returns the previous setting.
 */
export function setWinogradConv2d(enabled: boolean): boolean {
  const previous = settings.enabled;
  settings.enabled = enabled;
  return previous;
}

/** Whether the wasm Conv2D kernel may use the Winograd path. */
export function winogradConv2dEnabled(): boolean {
  return settings.enabled;
}

/**
 * Smallest channel counts for which the Winograd path is used. With 128 channels and more it was 2–3× faster
 * than the direct kernel in every run (wasm, 1 thread); at 64 the host-side transforms weigh about as much as
 * the multiply-adds saved and runs ranged from 0.8× (56×56, 64→64) to 2× (300×300, 64→64); at 32 no gain was
 * measured (0.99–1.08×).
 */
export const WINOGRAD_MIN_CHANNELS = 64;

/** Smallest output (Ho·Wo) for the Winograd path: on 5×5 maps and below the direct kernel is as fast. */
export const WINOGRAD_MIN_PIXELS = 64;

/**
 * Whether a Conv2D (x NHWC, filter HWIO) is one the Winograd path computes: float32, 3×3 filter, stride 1,
 * dilation 1, at least WINOGRAD_MIN_CHANNELS input and output channels and WINOGRAD_MIN_PIXELS output pixels.
 */
export function winogradApplies(info: tf.backend_util.Conv2DInfo, dtype: tf.DataType): boolean {
  return (
    settings.enabled &&
    dtype === 'float32' &&
    info.dataFormat === 'channelsLast' &&
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.inChannels >= WINOGRAD_MIN_CHANNELS &&
    info.outChannels >= WINOGRAD_MIN_CHANNELS &&
    info.outHeight * info.outWidth >= WINOGRAD_MIN_PIXELS
  );
}

/**
 * The tile size for a layer: F(4×4, 3×3) where its products (36 per 4×4 tile, counting the outputs cut off at
 * the border) are at most 80 % of F(2×2, 3×3)'s (16 per 2×2 tile), else F(2×2, 3×3) — whose transforms cost
 * less per tile. Measured on wasm, 1 thread: 256→256 channels at 14×14 F(4×4) 4.6 ms, F(2×2) 9.4 ms, direct
 * 6.8 ms; 512→512 at 10×10 (F(4×4) computes 12×12) F(4×4) 9.7 ms, F(2×2) 8.8 ms.
 */
export function winogradTile(info: tf.backend_util.Conv2DInfo): WinogradTile {
  const products = (m: number) => (m + 2) ** 2 * Math.ceil(info.outHeight / m) * Math.ceil(info.outWidth / m);
  return products(4) <= 0.8 * products(2) ? 4 : 2;
}

function heapBackend(): WasmHeapBackend {
  return tf.backend() as unknown as WasmHeapBackend;
}

/** A float32 view of a tensor's data on the wasm heap (invalid after the heap grows: take views after allocating). */
function heapView(backend: WasmHeapBackend, t: tf.TensorInfo, size: number): Float32Array {
  const entry = backend.dataIdMap.get(t.dataId);
  if (entry === undefined) throw new Error('winograd: tensor is not on the wasm backend');
  return new Float32Array(backend.wasm.HEAPU8.buffer, entry.memoryOffset, size);
}

function allocate(backend: WasmHeapBackend, shape: number[]): tf.Tensor {
  return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'));
}

/** Output tile side m of F(m×m, 3×3): input tiles are (m + 2)². */
export type WinogradTile = 2 | 4;

/**
 * Filter HWIO [3, 3, C, O] → (m + 2)² backend buffers U[a·(m + 2) + b] = (G g Gᵀ)[a][b], each [1, C, O],
 * outside the engine's tensor count (kept in the filter cache, or freed after the call: see transformedFilter).
 */
function transformFilter(backend: WasmHeapBackend, filter: tf.TensorInfo, c: number, o: number, m: WinogradTile): tf.TensorInfo[] {
  const size = c * o;
  const u = Array.from({ length: (m + 2) ** 2 }, () => backend.makeOutput([1, c, o], 'float32'));
  const g = heapView(backend, filter, 9 * size);
  const us = u.map((t) => heapView(backend, t, size));
  if (m === 2) filterTransformF2(g, size, us);
  else filterTransformF4(g, size, us);
  return u;
}

/**
 * Input tiles → (m + 2)² tensors V[a·(m + 2) + b] = (Bᵀ d B)[a][b], each [1, tiles, C], where d is the
 * (m + 2)² input patch (zero outside the image) under the m×m output block of each tile. Interior tiles
 * read the input in place; border tiles are first gathered, zero-filled, into a scratch patch.
 */
function transformInput(backend: WasmHeapBackend, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, m: WinogradTile): tf.Tensor3D[] {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const side = m + 2;
  const tilesH = Math.ceil(info.outHeight / m);
  const tilesW = Math.ceil(info.outWidth / m);
  const tiles = n * tilesH * tilesW;
  const v = Array.from({ length: side * side }, () => allocate(backend, [1, tiles, c]) as tf.Tensor3D);
  const xs = heapView(backend, x, n * h * w * c);
  const vs = v.map((t) => heapView(backend, t, tiles * c));
  const patch = new Float32Array(side * side * c);
  const scratch = new Float32Array(side * side * c);
  const inPlace = new Int32Array(side * side);
  const inPatch = Int32Array.from({ length: side * side }, (_, k) => k * c);
  const tile = (src: Float32Array, offsets: Int32Array, at: number) => {
    if (m === 2) inputTileF2(src, offsets, vs, at, c);
    else inputTileF4(src, offsets, scratch, vs, at, c);
  };
  let t = 0;
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < tilesH; p++) {
      const row0 = m * p - top;
      const rowsInside = row0 >= 0 && row0 + side <= h;
      for (let q = 0; q < tilesW; q++, t++) {
        const col0 = m * q - left;
        if (rowsInside && col0 >= 0 && col0 + side <= w) {
          for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) inPlace[i * side + j] = ((b * h + row0 + i) * w + col0 + j) * c;
          tile(xs, inPlace, t * c);
          continue;
        }
        for (let i = 0; i < side; i++) {
          const row = row0 + i;
          for (let j = 0; j < side; j++) {
            const col = col0 + j;
            const to = (i * side + j) * c;
            if (row < 0 || row >= h || col < 0 || col >= w) patch.fill(0, to, to + c);
            else {
              const from = ((b * h + row) * w + col) * c;
              for (let ch = 0; ch < c; ch++) patch[to + ch] = xs[from + ch];
            }
          }
        }
        tile(patch, inPatch, t * c);
      }
    }
  }
  return v;
}

/** (m + 2)² products M[a·(m + 2) + b], each [1, tiles, O] → output [N, Ho, Wo, O]: the m×m block Aᵀ M A of each tile, cut at the border. */
function transformOutput(backend: WasmHeapBackend, products: tf.Tensor[], info: tf.backend_util.Conv2DInfo, m: WinogradTile): tf.Tensor4D {
  const { batchSize: n, outHeight: ho, outWidth: wo, outChannels: o } = info;
  const tilesH = Math.ceil(ho / m);
  const tilesW = Math.ceil(wo / m);
  const tiles = n * tilesH * tilesW;
  const y = allocate(backend, [n, ho, wo, o]) as tf.Tensor4D;
  const ys = heapView(backend, y, n * ho * wo * o);
  const ms = products.map((t) => heapView(backend, t, tiles * o));
  const scratch = new Float32Array((m + 2) * m * o);
  const rowStride = wo * o;
  let t = 0;
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < tilesH; p++) {
      for (let q = 0; q < tilesW; q++, t++) {
        const out = ((b * ho + m * p) * wo + m * q) * o;
        const rowsLeft = ho - m * p;
        const colsLeft = wo - m * q;
        if (m === 2) outputTileF2(ms, t * o, ys, out, rowStride, rowsLeft, colsLeft, o);
        else outputTileF4(ms, t * o, scratch, ys, out, rowStride, rowsLeft, colsLeft, o);
      }
    }
  }
  return y;
}

interface FilterEntry {
  backend: WasmHeapBackend;
  c: number;
  o: number;
  m: WinogradTile;
  u: tf.TensorInfo[];
}

/**
 * Transformed filters by the filter's data id, kept from a filter's second convolution on. Weights are
 * immutable in tfjs (a variable's assign gives it a new data id), so an entry is valid as long as its filter's
 * data exists; entries whose filter was disposed are freed at the next Winograd convolution (or by
 * clearWinogradCache). Costs 4× (F(4×4)) or 16/9× (F(2×2)) the filters' memory.
 *
 * A filter seen once is transformed, used and freed: in training every step brings new weights, used once in
 * the forward (and the input gradient convolves with a fresh flipped filter), so caching them would only hold
 * memory — for PSPNet-ResNet50 its 4096→512 bottleneck alone is 302 MB of transformed filter. Inference
 * reuses the same weights, so from the second forward on their transforms are cached.
 */
const filterCache = new Map<tf.DataId, FilterEntry>();
const seenOnce = new WeakSet<tf.DataId>();

function release(entry: FilterEntry): void {
  for (const u of entry.u) entry.backend.disposeData(u.dataId, true);
}

/** Frees the transformed filters of disposed weights (or of a backend no longer active). */
function purgeFilterCache(backend: WasmHeapBackend): void {
  for (const [dataId, entry] of filterCache) {
    if (entry.backend !== backend) filterCache.delete(dataId);
    else if (!backend.dataIdMap.has(dataId)) {
      release(entry);
      filterCache.delete(dataId);
    }
  }
}

/** Frees every cached Winograd filter transform (they are otherwise freed once their weights are disposed). */
export function clearWinogradCache(): void {
  for (const entry of filterCache.values()) if (entry.backend === (tf.backend() as unknown)) release(entry);
  filterCache.clear();
}

/**
 * Largest filter transform built for a filter's first use (64 MiB: 16 Mi floats). Larger first uses — in
 * training, every use — run the direct kernel instead: PSPNet's 4096→512 bottleneck would need a 302 MB
 * transient transform per step (and as much again for its input gradient), which on wasm32's 4 GiB heap is the
 * difference between fitting a batch and not. From the second use the transform is built and cached anyway.
 */
export const WINOGRAD_MAX_FIRST_USE_BYTES = 64 * 2 ** 20;

/**
 * Whether this call of the wasm Conv2D kernel should take the Winograd path, given that `winogradApplies`
 * holds: yes unless the filter is used for the first time and its transform would exceed
 * WINOGRAD_MAX_FIRST_USE_BYTES (that first use is remembered, so the next one is cached).
 */
export function winogradWorthIt(filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): boolean {
  if (filterCache.has(filter.dataId) || seenOnce.has(filter.dataId)) return true;
  const m = winogradTile(info);
  if ((m + 2) ** 2 * info.inChannels * info.outChannels * 4 <= WINOGRAD_MAX_FIRST_USE_BYTES) return true;
  seenOnce.add(filter.dataId);
  return false;
}

/** The filter's transform, and whether it stays cached (if not, the caller frees it after use). */
function transformedFilter(backend: WasmHeapBackend, filter: tf.TensorInfo, c: number, o: number, m: WinogradTile): FilterEntry & { cached: boolean } {
  purgeFilterCache(backend);
  const hit = filterCache.get(filter.dataId);
  if (hit !== undefined && hit.c === c && hit.o === o && hit.m === m) return { ...hit, cached: true };
  if (hit !== undefined) {
    release(hit);
    filterCache.delete(filter.dataId);
  }
  const entry: FilterEntry = { backend, c, o, m, u: transformFilter(backend, filter, c, o, m) };
  if (!seenOnce.has(filter.dataId)) {
    seenOnce.add(filter.dataId);
    return { ...entry, cached: false };
  }
  filterCache.set(filter.dataId, entry);
  return { ...entry, cached: true };
}

function checkArguments(x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, m: number): void {
  if (tf.getBackend() !== 'wasm') {
    throw new InvalidConfigError('winogradConv2d works on the wasm heap', { field: 'backend', expected: 'wasm', received: tf.getBackend() });
  }
  if (m !== 2 && m !== 4) throw new InvalidConfigError('unsupported Winograd tile', { field: 'tile', expected: '2 or 4', received: m });
  const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  if (!unit || info.dataFormat !== 'channelsLast') {
    throw new InvalidConfigError('winogradConv2d computes stride-1, undilated NHWC convolutions', {
      field: 'convInfo',
      expected: 'strides 1, dilations 1, channelsLast',
      received: `strides ${info.strideHeight}×${info.strideWidth}, dilations ${info.dilationHeight}×${info.dilationWidth}, ${info.dataFormat}`,
    });
  }
  const want = (shape: number[]) => `[${shape.join(', ')}]`;
  const xShape = [info.batchSize, info.inHeight, info.inWidth, info.inChannels];
  if (x.dtype !== 'float32' || want(x.shape) !== want(xShape)) {
    throw new ShapeMismatchError('input does not match convInfo', { field: 'x', expected: `float32 ${want(xShape)}`, received: `${x.dtype} ${want(x.shape)}` });
  }
  const filterShape = [3, 3, info.inChannels, info.outChannels];
  if (filter.dtype !== 'float32' || want(filter.shape) !== want(filterShape)) {
    throw new ShapeMismatchError('filter must be a float32 3×3 HWIO filter matching convInfo', {
      field: 'filter',
      expected: `float32 ${want(filterShape)}`,
      received: `${filter.dtype} ${want(filter.shape)}`,
    });
  }
}

/**
 * Convolution of x [N, H, W, C] with filter HWIO [3, 3, C, O] at stride 1, dilation 1 and the padding in
 * `info` (from tf.backend_util.computeConv2DInfo) → [N, Ho, Wo, O], by Winograd F(m×m, 3×3), m 2 or 4
 * (default `winogradTile(info)`). wasm backend
 * only (it works on the wasm heap in place); a wrong backend, shape or dtype throws InvalidConfigError /
 * ShapeMismatchError. The wasm Conv2D kernel calls it where `winogradApplies` and `winogradWorthIt` hold. Returns a
 * new tensor and disposes its intermediates; no gradient of its own (the Conv2D kernel's gradient applies).
 */
export function winogradConv2d(x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, m: WinogradTile = winogradTile(info)): tf.Tensor4D {
  checkArguments(x, filter, info, m);
  const backend = heapBackend();
  const filterEntry = transformedFilter(backend, filter, info.inChannels, info.outChannels, m);
  const u = filterEntry.u;
  const v = transformInput(backend, x, info, m);
  // The engine takes bare TensorInfos as kernel inputs (as backends do); the cached filters are not engine tensors.
  const matMul = (a: tf.Tensor, b: tf.TensorInfo) => tf.engine().runKernel('BatchMatMul', { a, b: b as tf.Tensor }, { transposeA: false, transposeB: false }) as tf.Tensor;
  const products = v.map((vk, k) => matMul(vk, u[k]));
  tf.dispose(v);
  if (!filterEntry.cached) release(filterEntry);
  const y = transformOutput(backend, products, info, m);
  tf.dispose(products);
  return y;
}
