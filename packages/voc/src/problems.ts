import { type DetError, isDetError } from '@det/core';

/** Strict mode throws at the first problem; lenient mode records it, skips the object or image, and goes on. */
export type ParseMode = 'strict' | 'lenient';

/**
 * One problem found in lenient mode: the file, the field (e.g. `'object.bndbox.xmax'`), the object
 * index within the file when the problem is one object's, the DetError code, and the message.
 */
export interface Problem {
  file?: string;
  line?: number;
  field?: string;
  index?: number;
  code: string;
  message: string;
}

/** The {@link Problem} entry for a DetError. */
export function toProblem(error: DetError): Problem {
  const p: Problem = { code: error.code, message: error.message };
  if (error.file !== undefined) p.file = error.file;
  if (error.line !== undefined) p.line = error.line;
  if (error.field !== undefined) p.field = error.field;
  if (error.index !== undefined) p.index = error.index;
  return p;
}

/** Collects problems (lenient) or throws them (strict). */
export class ProblemReport {
  readonly problems: Problem[] = [];
  constructor(readonly mode: ParseMode = 'strict') {}

  /** Throws `error` in strict mode; records it in lenient mode. */
  report(error: DetError): void {
    if (this.mode === 'strict') throw error;
    this.problems.push(toProblem(error));
  }

  /**
   * Runs `fn`; a DetError it throws is reported (so rethrown in strict mode) and `undefined` returned.
   * Other errors (bugs, I/O failures) always propagate.
   */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (!isDetError(error)) throw error;
      this.report(error);
      return undefined;
    }
  }
}
