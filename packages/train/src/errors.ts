import { DetError, DetErrorCode } from '@det/core';

/** What turned out not to be finite: the total loss, one of its parts, or the gradient norm. */
export type NonFiniteQuantity = 'loss' | 'gradNorm' | `parts.${string}`;

export interface NonFiniteLossDetails {
  /** 1-based number of the step that failed (the step that would have been completed). */
  step: number;
  /** Which number was not finite. */
  quantity: NonFiniteQuantity;
  /** The value read (NaN, Infinity or -Infinity). */
  value: number;
  /** `describeBatch(batch)` of the batch that produced it, when the loop was given `describeBatch`. */
  batch?: string;
}

/**
 * A training step produced a NaN or infinite loss, loss part or gradient norm. Thrown by `train` before the
 * optimizer touches the parameters, so the model keeps the weights of the previous step (BatchNorm running
 * statistics, which the forward pass updates, may already hold the bad batch). Code `NOT_FINITE`; `index`
 * is the step, `field` the quantity, `received` the value as a string.
 */
export class NonFiniteLossError extends DetError {
  readonly step: number;
  readonly quantity: NonFiniteQuantity;
  readonly value: number;
  readonly batch?: string;

  constructor({ step, quantity, value, batch }: NonFiniteLossDetails) {
    const name = quantity === 'gradNorm' ? 'gradient norm' : quantity === 'loss' ? 'loss' : `loss part '${quantity.slice(6)}'`;
    super(DetErrorCode.NotFinite, `non-finite ${name} at step ${step}${batch !== undefined ? ` (batch: ${batch})` : ''}; the parameters were not updated`, {
      index: step,
      field: quantity,
      expected: 'a finite number',
      received: String(value),
    });
    this.step = step;
    this.quantity = quantity;
    this.value = value;
    if (batch !== undefined) this.batch = batch;
  }
}
