import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ClassNames, DatasetError, InvalidLabelError, ParseError } from '@det/core';

/** One line of a devkit result file: `image_id score xmin ymin xmax ymax` (VOC pixels). */
export interface VocDetectionLine {
  imageId: string;
  label: number;
  score: number;
  box: [number, number, number, number];
}

/**
 * Reads devkit result files, one per class, named `…_<class>.txt` (e.g. `comp4_det_test_car.txt`), from
 * `dir`. A class without a file has no detections. A file whose class is unknown, or a malformed line,
 * throws a typed error with the file and line number.
 */
export async function readVocDetectionFiles(dir: string, classNames: ClassNames): Promise<{ lines: VocDetectionLine[]; files: string[] }> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((f) => f.endsWith('.txt')).sort();
  } catch {
    throw new DatasetError('detections directory not found', { file: dir, expected: 'a directory of …_<class>.txt result files' });
  }
  if (entries.length === 0) throw new DatasetError('no result files', { file: dir, expected: 'files named …_<class>.txt' });
  const byLength = [...classNames.keys()].sort((a, b) => classNames[b].length - classNames[a].length);
  const lines: VocDetectionLine[] = [];
  for (const name of entries) {
    const file = join(dir, name);
    const label = byLength.find((k) => name.endsWith(`_${classNames[k]}.txt`));
    if (label === undefined) {
      throw new InvalidLabelError('result file names an unknown class', { file, expected: `a name ending in _<class>.txt with class one of ${classNames.join(', ')}` });
    }
    const text = await readFile(file, 'utf8');
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (line === '') return;
      const parts = line.split(/\s+/);
      const numbers = parts.slice(1).map(Number);
      if (parts.length !== 6 || numbers.some((v) => !Number.isFinite(v))) {
        throw new ParseError('bad result line', { file, line: i + 1, expected: 'image_id score xmin ymin xmax ymax', received: line });
      }
      lines.push({ imageId: parts[0], label, score: numbers[0], box: [numbers[1], numbers[2], numbers[3], numbers[4]] });
    });
  }
  return { lines, files: entries };
}
