import type { DetError } from '@det/core';

/** Strict mode throws at the first problem; lenient mode records it, skips the object or image, and goes on. */
export type ParseMode = 'strict' | 'lenient';

/** One problem found in lenient mode. */
export interface Problem {
  file?: string;
  field?: string;
  index?: number;
  code: string;
  message: string;
}

/** Collects problems (lenient) or throws them (strict). */
export class ProblemReport {
  readonly problems: Problem[] = [];
  constructor(readonly mode: ParseMode = 'strict') {}

  /** Throws `error` in strict mode; records it in lenient mode. */
  report(error: DetError): void {
    if (this.mode === 'strict') throw error;
    this.problems.push({ file: error.file, field: error.field, index: error.index, code: error.code, message: error.message });
  }
}
