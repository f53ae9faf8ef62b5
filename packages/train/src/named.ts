import type { tf } from '@det/tfjs';

/** Tensors by parameter name: a Map or a plain record. */
export type NamedTensors = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

/** The entries of a Map or record, in insertion order. */
export function entriesOf<T>(named: Map<string, T> | Record<string, T>): [string, T][] {
  return named instanceof Map ? [...named.entries()] : Object.entries(named);
}
