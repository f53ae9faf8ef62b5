/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results in input order. `fn` should not
 * throw (return failures as values) so that the caller decides, deterministically, what to report.
 * When `stop()` becomes true no further items are started (those in flight finish).
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>, stop: () => boolean = () => false): Promise<(R | undefined)[]> {
  const out = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** The errno code of a failed fs call ('ENOENT', 'EACCES', …), for messages. */
export const errorCode = (error: unknown): string => (error as { code?: string } | undefined)?.code ?? String(error);
