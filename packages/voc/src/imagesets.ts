import { ParseError } from '@det/core';

/**
 * Ids of an `ImageSets/Main/<set>.txt` or `ImageSets/Segmentation/<set>.txt` file: one id per line,
 * blank lines ignored, CRLF accepted. A line with more than one token is a ParseError naming file and line
 * (a per-class list passed by mistake, for instance).
 */
export function parseImageSet(text: string, file?: string): string[] {
  const ids: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    if (/\s/.test(t)) throw new ParseError('expected one image id per line', { file, line: i + 1, expected: 'an id such as 000005 or 2008_000008', received: t });
    ids.push(t);
  });
  return ids;
}

/** One row of a per-class list `ImageSets/Main/<class>_<set>.txt`: 1 present, −1 absent, 0 only difficult objects. */
export interface ClassImageSetEntry {
  id: string;
  flag: -1 | 0 | 1;
}

/** Parses a per-class 2-column list (`<id> <flag>`, padded as the devkit writes it: `000005 -1`, `000007  1`). */
export function parseClassImageSet(text: string, file?: string): ClassImageSetEntry[] {
  const rows: ClassImageSetEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    const parts = t.split(/\s+/);
    const flag = Number(parts[1]);
    if (parts.length !== 2 || !(flag === 1 || flag === -1 || flag === 0)) {
      throw new ParseError('expected "<id> <1|-1|0>"', { file, line: i + 1, expected: 'an id and 1, -1 or 0', received: t });
    }
    rows.push({ id: parts[0], flag: flag as -1 | 0 | 1 });
  });
  return rows;
}

/** Writes an id list (one per line, trailing newline; empty string for no ids). */
export function formatImageSet(ids: readonly string[]): string {
  return ids.length > 0 ? `${ids.join('\n')}\n` : '';
}

/** Writes a per-class list in the devkit's layout (`%s %2d`: `000005 -1`, `000007  1`, `000009  0`). */
export function formatClassImageSet(rows: readonly ClassImageSetEntry[]): string {
  return rows.map((r) => `${r.id} ${String(r.flag).padStart(2, ' ')}\n`).join('');
}
