import { ParseError } from '@det/core';

/** Ids of an `ImageSets/Main/<set>.txt` or `ImageSets/Segmentation/<set>.txt` file (one per line). */
export function parseImageSet(text: string, file?: string): string[] {
  const ids: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    if (/\s/.test(t)) throw new ParseError('expected one image id per line', { file, line: i + 1, received: t });
    ids.push(t);
  });
  return ids;
}

/** One row of a per-class list `ImageSets/Main/<class>_<set>.txt`: 1 present, −1 absent, 0 only difficult. */
export interface ClassImageSetEntry {
  id: string;
  flag: -1 | 0 | 1;
}

/** Parses a per-class 2-column list (`<id> <flag>`, written with padding as in the devkit). */
export function parseClassImageSet(text: string, file?: string): ClassImageSetEntry[] {
  const rows: ClassImageSetEntry[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    const parts = t.split(/\s+/);
    const flag = Number(parts[1]);
    if (parts.length !== 2 || !(flag === 1 || flag === -1 || flag === 0)) {
      throw new ParseError('expected "<id> <1|-1|0>"', { file, line: i + 1, received: t });
    }
    rows.push({ id: parts[0], flag: flag as -1 | 0 | 1 });
  });
  return rows;
}
