import { InvalidConfigError } from '@det/core';
import { BatchNorm2d, Conv2d, MaxPool2d, Module, ReLU } from '@det/nn';
import { tf } from '@det/tfjs';
import type { FeatureExtractor, FeatureSource } from './feature-extractor';

/** The seed's SSD7 channels: one 3×3 conv-BN-ReLU block each, 2×2/2 max-pool between blocks. */
export const SSD7_CHANNELS: readonly number[] = Object.freeze([32, 48, 64, 64, 48, 48, 32]);
/** Blocks (1-based) whose outputs feed the SSD7 heads. */
export const SSD7_SOURCE_BLOCKS: readonly number[] = Object.freeze([4, 5, 6, 7]);

export interface Ssd7BaseOptions {
  /** Output channels of each block. Default {@link SSD7_CHANNELS}. */
  channels?: readonly number[];
  /** 1-based blocks used as sources. Default {@link SSD7_SOURCE_BLOCKS}. */
  sourceBlocks?: readonly number[];
}

/**
 * The small SSD7 base net of seed 000 (pytorch-ssd7's `base` ModuleList): blocks of Conv2d(3×3, padding 1),
 * BatchNorm2d, ReLU(inplace), with MaxPool2d(2, 2) between blocks; children are numbered like the seed's
 * printout (`0` … `26` for 7 blocks: conv at 4·b, BN 4·b+1, ReLU 4·b+2, pool 4·b+3). Trains from scratch.
 * `forwardFeatures(x [N, H, W, 3])` → the outputs of the source blocks' ReLUs (children 14, 18, 22, 26 by
 * default): [N, H/8, W/8, 64], [N, H/16, W/16, 48], [N, H/32, W/32, 48], [N, H/64, W/64, 32] (floor at each pool).
 */
export class SSD7Base extends Module<[tf.Tensor], tf.Tensor4D[]> implements FeatureExtractor {
  readonly featureMaps: readonly FeatureSource[];
  readonly channels: readonly number[];
  readonly #sourceLayers: number[];

  constructor({ channels = SSD7_CHANNELS, sourceBlocks = SSD7_SOURCE_BLOCKS }: Ssd7BaseOptions = {}) {
    super();
    if (channels.length === 0 || channels.some((c) => !Number.isInteger(c) || c < 1)) {
      throw new InvalidConfigError('invalid block channels', { field: 'channels', expected: 'positive integers', received: String(channels) });
    }
    const blocks = channels.length;
    if (sourceBlocks.length === 0 || sourceBlocks.some((b, i) => !Number.isInteger(b) || b < 1 || b > blocks || (i > 0 && b <= sourceBlocks[i - 1]))) {
      throw new InvalidConfigError('invalid source blocks', { field: 'sourceBlocks', expected: `increasing block numbers in 1…${blocks}`, received: String(sourceBlocks) });
    }
    this.channels = [...channels];
    let cin = 3;
    let index = 0;
    channels.forEach((cout, b) => {
      this.registerModule(String(index++), new Conv2d(cin, cout, 3, { padding: 1 }));
      this.registerModule(String(index++), new BatchNorm2d(cout));
      this.registerModule(String(index++), new ReLU(true));
      if (b < blocks - 1) this.registerModule(String(index++), new MaxPool2d(2, { stride: 2 }));
      cin = cout;
    });
    this.#sourceLayers = sourceBlocks.map((b) => 4 * (b - 1) + 2);
    this.featureMaps = sourceBlocks.map((b) => ({ name: String(4 * (b - 1) + 2), channels: channels[b - 1], stride: 2 ** (b - 1) }));
  }

  forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[] {
    const last = this.#sourceLayers[this.#sourceLayers.length - 1];
    const children = this.children();
    return tf.tidy(() => {
      const out: tf.Tensor4D[] = [];
      let h: tf.Tensor = x;
      for (let i = 0; i <= last; i++) {
        h = children[i].forward(h) as tf.Tensor;
        if (this.#sourceLayers.includes(i)) out.push(h as tf.Tensor4D);
      }
      return out;
    });
  }

  forward(x: tf.Tensor): tf.Tensor4D[] {
    return this.forwardFeatures(x as tf.Tensor4D);
  }
}
