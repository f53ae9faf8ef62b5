import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatasetError, InvalidConfigError } from '@det/core';

const isDir = async (path: string) => (await stat(path).catch(() => undefined))?.isDirectory() === true;

/**
 * The VOC folder to read: the one that holds `Annotations/`, `JPEGImages/` and `ImageSets/`.
 * Without `year`, `root` itself. With `year` (e.g. 2007, '2012'), the first existing of: `root` when it is
 * named `VOC<year>`, `root/VOC<year>` (root = `VOCdevkit`), `root/VOCdevkit/VOC<year>` (torchvision's root).
 * None existing → DatasetError listing the paths tried.
 */
export async function resolveVocRoot(root: string, year?: number | string): Promise<string> {
  if (year === undefined) return root;
  if (!/^\d{4}$/.test(String(year))) throw new InvalidConfigError('year must be a 4-digit VOC year', { field: 'year', expected: 'e.g. 2007 or 2012', received: year });
  const name = `VOC${year}`;
  const candidates = [...(basename(root) === name ? [root] : []), join(root, name), join(root, 'VOCdevkit', name)];
  for (const c of candidates) if (await isDir(c)) return c;
  throw new DatasetError(`no ${name} folder`, { file: root, field: 'year', expected: `one of ${candidates.join(', ')}` });
}
