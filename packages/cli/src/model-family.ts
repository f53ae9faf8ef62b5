import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The `family` of a model folder's config.json ('segmentation', 'mask-rcnn', …), or undefined when the file is
 * missing or has none (an SSD folder: the loaders then report what is wrong with the folder).
 */
export async function modelFamily(dir: string): Promise<string | undefined> {
  return readFile(join(dir, 'config.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { family?: string }).family,
    () => undefined,
  );
}
