import { InvalidConfigError } from '@det/core';
import type { Dataset } from './dataset';
import { createRandom, mixSeed, shuffleInPlace } from './random';

export interface DataLoaderOptions<T, B> {
  batchSize: number;
  /** Reshuffle the order every epoch (default false). */
  shuffle?: boolean;
  /** Seed for the order and for every sample's random transforms (default 0). */
  seed?: number;
  /** Drop the last incomplete batch (default false). */
  dropLast?: boolean;
  /** Batches loaded ahead while the consumer works (default 2). */
  prefetch?: number;
  /** Turns a list of examples into a batch. */
  collate: (items: T[]) => B;
}

/**
 * Iterates a {@link Dataset} in batches: `for await (const batch of loader.epoch(e))`. Each sample's
 * transforms draw from a Random seeded by (seed, epoch, index), so results do not depend on the
 * prefetch depth or load timing. Up to `prefetch` batches load concurrently with the consumer.
 */
export class DataLoader<T, B> {
  readonly batchSize: number;
  private readonly options: Required<Omit<DataLoaderOptions<T, B>, 'collate'>> & Pick<DataLoaderOptions<T, B>, 'collate'>;

  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions<T, B>,
  ) {
    const { batchSize, shuffle = false, seed = 0, dropLast = false, prefetch = 2, collate } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new InvalidConfigError('batchSize must be a positive integer', { field: 'batchSize', received: batchSize });
    }
    if (!Number.isInteger(prefetch) || prefetch < 0) {
      throw new InvalidConfigError('prefetch must be a non-negative integer', { field: 'prefetch', received: prefetch });
    }
    this.batchSize = batchSize;
    this.options = { batchSize, shuffle, seed, dropLast, prefetch, collate };
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.options.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The sample order of an epoch. */
  order(epoch: number): Int32Array {
    const order = Int32Array.from({ length: this.dataset.length }, (_, i) => i);
    if (this.options.shuffle) shuffleInPlace(order, createRandom(mixSeed(this.options.seed, epoch, 0x5eed)));
    return order;
  }

  private async loadBatch(epoch: number, indices: Int32Array): Promise<B> {
    const items = await Promise.all(
      Array.from(indices, (index) => this.dataset.get(index, createRandom(mixSeed(this.options.seed, epoch, index)))),
    );
    return this.options.collate(items);
  }

  /** Batches of one epoch, prefetched. */
  async *epoch(epoch = 0): AsyncGenerator<B> {
    const order = this.order(epoch);
    const batches = this.length;
    const pending: Promise<B>[] = [];
    let next = 0;
    const schedule = () => {
      while (next < batches && pending.length <= this.options.prefetch) {
        const start = next * this.batchSize;
        pending.push(this.loadBatch(epoch, order.subarray(start, Math.min(start + this.batchSize, order.length))));
        next++;
      }
    };
    schedule();
    while (pending.length > 0) {
      const batch = await pending.shift()!;
      schedule();
      yield batch;
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<B> {
    return this.epoch(0);
  }
}
