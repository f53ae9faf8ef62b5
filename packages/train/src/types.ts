/** One completed optimizer step in the training history. */
export interface StepRecord {
  /** Steps completed after this one (1 for the first update). */
  step: number;
  /** The total loss. */
  loss: number;
  /** The loss parts returned by the loss function (empty when none). */
  parts: Record<string, number>;
  /** Learning rate used for this update. */
  lr: number;
  /** Total gradient norm before clipping. */
  gradNorm: number;
  /** Milliseconds of the step: forward, backward, update and the one data read (waiting for the batch excluded). */
  ms: number;
  /** Milliseconds spent waiting for the batch from `batches`. */
  dataMs: number;
  /** Images in the batch (`batchSize(batch)`), when the loop was given `batchSize`. */
  images?: number;
}

/** Metrics returned by a validation run. */
export interface ValidationRecord {
  /** Steps completed when validation ran. */
  step: number;
  metrics: Record<string, number>;
}
