/** Machine-readable codes carried by every {@link DetError}. */
export const DetErrorCode = {
  InvalidBox: 'INVALID_BOX',
  InvalidLabel: 'INVALID_LABEL',
  InvalidConfig: 'INVALID_CONFIG',
  ShapeMismatch: 'SHAPE_MISMATCH',
  Parse: 'PARSE_ERROR',
  Dataset: 'DATASET_ERROR',
  NotFinite: 'NOT_FINITE',
} as const;
export type DetErrorCode = (typeof DetErrorCode)[keyof typeof DetErrorCode];

/** Where a problem was found: the file, the element index, the field, and what was expected. */
export interface DetErrorDetails {
  /** File the bad input came from, when it came from one. */
  file?: string;
  /** Line number (1-based) within `file`. */
  line?: number;
  /** Index of the offending element (box, label, prior, image …). */
  index?: number;
  /** Name of the offending field or option, e.g. `'bndbox.xmax'` or `'minSizes'`. */
  field?: string;
  /** What a valid value looks like. */
  expected?: string;
  /** The value that was received, rendered for the message. */
  received?: unknown;
}

function describe(message: string, d: DetErrorDetails): string {
  const where: string[] = [];
  if (d.file !== undefined) where.push(d.line !== undefined ? `${d.file}:${d.line}` : d.file);
  if (d.field !== undefined) where.push(`field '${d.field}'`);
  if (d.index !== undefined) where.push(`index ${d.index}`);
  let text = where.length > 0 ? `${where.join(', ')}: ${message}` : message;
  if (d.expected !== undefined) text += ` (expected ${d.expected}`;
  if (d.received !== undefined) text += `${d.expected !== undefined ? ', ' : ' ('}got ${render(d.received)}`;
  if (d.expected !== undefined || d.received !== undefined) text += ')';
  return text;
}

function render(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (ArrayBuffer.isView(value)) return `[${Array.from(value as unknown as ArrayLike<number>).join(', ')}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Base class of every error @det throws on bad input. `code` is stable for programs;
 * the message names the file/index/field at fault and what was expected.
 */
export class DetError extends Error {
  readonly code: DetErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly index?: number;
  readonly field?: string;
  readonly expected?: string;
  readonly received?: unknown;

  constructor(code: DetErrorCode, message: string, details: DetErrorDetails = {}) {
    super(describe(message, details));
    this.name = new.target.name;
    this.code = code;
    Object.assign(this, details);
  }
}

/** A box that is degenerate (xmax <= xmin or ymax <= ymin), not finite, or in a malformed array. */
export class InvalidBoxError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.InvalidBox, message, details);
  }
}

/** A class label outside its valid range, or a class name that is not in the class list. */
export class InvalidLabelError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.InvalidLabel, message, details);
  }
}

/** An options/config object whose fields are missing, disagree in length, or are out of range. */
export class InvalidConfigError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.InvalidConfig, message, details);
  }
}

/** Arrays whose lengths do not fit together (e.g. boxes vs scores). */
export class ShapeMismatchError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.ShapeMismatch, message, details);
  }
}

/** A file (XML, PNG, text list, JSON) that cannot be parsed or misses a required field. */
export class ParseError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.Parse, message, details);
  }
}

/** A dataset that is inconsistent: an id listed but missing, an unreadable directory. */
export class DatasetError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.Dataset, message, details);
  }
}

/** A NaN or infinite number where a finite one is required (inputs, losses). */
export class NotFiniteError extends DetError {
  constructor(message: string, details: DetErrorDetails = {}) {
    super(DetErrorCode.NotFinite, message, details);
  }
}

/** True when `error` is a {@link DetError}, optionally with the given code. */
export function isDetError(error: unknown, code?: DetErrorCode): error is DetError {
  return error instanceof DetError && (code === undefined || error.code === code);
}
