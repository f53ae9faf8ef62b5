import { readFile } from 'node:fs/promises';
import { DatasetError } from '@det/core';
import { parseImageSet } from './imagesets';
import { errorCode } from './io';
import { type IndexMask, readPaletteMask } from './mask';

/** Reads an image-set file (`ImageSets/Main/<set>.txt` or `ImageSets/Segmentation/<set>.txt`) → ids. A missing file is a DatasetError naming it. */
export async function readImageSet(file: string, expected = 'an image-set file'): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DatasetError(`cannot read image set (${errorCode(error)})`, { file, expected });
  }
  return parseImageSet(text, file);
}

/**
 * Reads a `SegmentationClass` / `SegmentationObject` PNG from disk as indices ({@link readPaletteMask});
 * an unreadable file is a DatasetError, a non-palette PNG a ParseError, both naming the file.
 */
export async function readPaletteMaskFile(file: string): Promise<IndexMask> {
  let png: Uint8Array;
  try {
    png = await readFile(file);
  } catch (error) {
    throw new DatasetError(`cannot read mask (${errorCode(error)})`, { file, expected: 'a palette PNG' });
  }
  return readPaletteMask(png, file);
}
