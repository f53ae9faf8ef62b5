import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './command';

/** Option values as parsed: strings, booleans, or repeated strings. */
export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** node:util parseArgs with strict checking, reporting problems as {@link UsageError}. */
export function parseCommandArgs(args: string[], options: NonNullable<ParseArgsConfig['options']>): { values: OptionValues } {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }) as { values: OptionValues };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A string option's value (undefined when absent). */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** Parses a positive integer option value, or throws a {@link UsageError} naming the option. */
export function positiveInteger(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${option} must be a positive integer, got '${value}'`);
  return n;
}
