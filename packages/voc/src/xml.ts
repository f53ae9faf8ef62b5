import { type ClassNames, InvalidBoxError, InvalidLabelError, ParseError } from '@det/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { VOC_CLASSES } from './classes';
import { type ParseMode, type Problem, ProblemReport } from './problems';

/**
 * A box as written in a VOC annotation: corner form `xyxy`, VOC's 1-based inclusive pixel coordinates
 * (the top-left pixel is (1, 1); a box covering one pixel column has xmax = xmin). Kept exactly as
 * written, floats included ("273.0", "44.5"); the devkit's AP rules (+1 areas) expect these numbers.
 */
export interface VocBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

/** A person-layout part (`<part>`: head, hand, foot) with its own box. */
export interface VocPart {
  name: string;
  bndbox: VocBox;
}

/** One `<object>`. Optional fields default as in the devkit: pose 'Unspecified', flags false. */
export interface VocObject {
  name: string;
  /** Index of `name` in the class list (0-based, no background). */
  label: number;
  pose: string;
  truncated: boolean;
  difficult: boolean;
  /** VOC2010+ `<occluded>`; false when absent (VOC2007). */
  occluded: boolean;
  bndbox: VocBox;
  /** `<part>`s (VOC person layout); empty when there are none. */
  parts: VocPart[];
}

/** One `Annotations/<id>.xml`. `size` in pixels; `depth` defaults to 3, `segmented` to false. */
export interface VocAnnotation {
  folder: string;
  filename: string;
  size: { width: number; height: number; depth: number };
  segmented: boolean;
  objects: VocObject[];
}

export interface ParseVocXmlOptions {
  /** File name used in error messages and problems (default none). */
  file?: string;
  /** Class list that object names must belong to (default {@link VOC_CLASSES}). */
  classNames?: ClassNames;
  /** `'strict'` (default) throws at the first problem; `'lenient'` skips bad objects and returns the problems. */
  mode?: ParseMode;
}

export interface ParsedVocXml {
  annotation: VocAnnotation;
  /** Objects skipped in lenient mode, one entry each (always empty in strict mode). */
  problems: Problem[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name: string, jPath: unknown) => jPath === 'annotation.object' || jPath === 'annotation.object.part',
});

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Text content of a leaf element, `undefined` when absent (an element with children is not text). */
function text(node: Node, key: string): string | undefined {
  const v = node[key];
  return typeof v === 'string' ? v : undefined;
}

interface Where {
  file?: string;
  index?: number;
}

/** A 0/1 flag (`<difficult>`, `<truncated>`, …): absent or empty → false; "1"/"1.0" → true; anything else → ParseError. */
function flag(node: Node, key: string, field: string, where: Where): boolean {
  const v = node[key];
  if (v === undefined || v === '') return false;
  const n = typeof v === 'string' ? Number(v) : Number.NaN;
  if (n === 0 || n === 1) return n === 1;
  throw new ParseError(`${key} must be 0 or 1`, { ...where, field, expected: '0 or 1', received: v });
}

function readBox(node: unknown, field: string, where: Where): VocBox {
  if (node === undefined) throw new ParseError('missing bndbox', { ...where, field, expected: '<bndbox> with xmin, ymin, xmax, ymax' });
  if (!isNode(node)) throw new ParseError(Array.isArray(node) ? 'more than one bndbox' : 'bndbox has no coordinates', { ...where, field, expected: 'one <bndbox> with xmin, ymin, xmax, ymax' });
  const box = {} as VocBox;
  for (const key of ['xmin', 'ymin', 'xmax', 'ymax'] as const) {
    const raw = node[key];
    if (raw === undefined) throw new ParseError(`missing ${key}`, { ...where, field: `${field}.${key}`, expected: 'a number' });
    const value = typeof raw === 'string' && raw !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) throw new ParseError(`${key} is not a number`, { ...where, field: `${field}.${key}`, expected: 'a number', received: raw });
    box[key] = value;
  }
  if (box.xmin >= box.xmax || box.ymin >= box.ymax) {
    throw new InvalidBoxError('degenerate box', { ...where, field, expected: 'xmin < xmax and ymin < ymax', received: [box.xmin, box.ymin, box.xmax, box.ymax] });
  }
  return box;
}

function readObject(o: unknown, classNames: ClassNames, where: Where): VocObject {
  if (!isNode(o)) throw new ParseError('empty object', { ...where, field: 'object', expected: '<object> with name and bndbox' });
  const name = text(o, 'name');
  if (name === undefined || name === '') throw new ParseError('missing name', { ...where, field: 'object.name', expected: 'a class name' });
  const label = classNames.indexOf(name);
  if (label < 0) throw new InvalidLabelError(`unknown class '${name}'`, { ...where, field: 'object.name', expected: `one of ${classNames.join(', ')}` });
  const bndbox = readBox(o.bndbox, 'object.bndbox', where);
  const parts = (Array.isArray(o.part) ? o.part : []).map((p: unknown, k: number): VocPart => {
    const field = `object.part[${k}]`;
    if (!isNode(p)) throw new ParseError('empty part', { ...where, field, expected: '<part> with name and bndbox' });
    const partName = text(p, 'name');
    if (partName === undefined || partName === '') throw new ParseError('missing part name', { ...where, field: `${field}.name`, expected: 'head, hand, foot, …' });
    return { name: partName, bndbox: readBox(p.bndbox, `${field}.bndbox`, where) };
  });
  return {
    name,
    label,
    pose: text(o, 'pose') || 'Unspecified',
    truncated: flag(o, 'truncated', 'object.truncated', where),
    difficult: flag(o, 'difficult', 'object.difficult', where),
    occluded: flag(o, 'occluded', 'object.occluded', where),
    bndbox,
    parts,
  };
}

function positiveInt(size: Node, key: string, file: string | undefined, fallback?: number): number {
  const raw = size[key];
  if (raw === undefined && fallback !== undefined) return fallback;
  const v = typeof raw === 'string' && raw !== '' ? Number(raw) : Number.NaN;
  if (!Number.isInteger(v) || v <= 0) {
    throw new ParseError(raw === undefined ? `missing size.${key}` : `size.${key} must be a positive integer`, { file, field: `size.${key}`, expected: 'a positive integer', received: raw });
  }
  return v;
}

/**
 * Parses one VOC annotation XML (`Annotations/<id>.xml`, VOC2007 or VOC2012 layout; element order is free;
 * one `<object>` or many). Coordinates stay as written: `xyxy`, 1-based inclusive pixels (see {@link VocBox}).
 *
 * Errors name the file, the field (`object.bndbox.xmax`, `size.width`, …) and the object index:
 * malformed XML or a missing/invalid `<size>` → ParseError (the whole file is unusable, so this throws in
 * both modes; `loadVocDataset` reports and skips such an image in lenient mode). Per object: a missing
 * name/bndbox/coordinate, a non-number, or a flag other than 0/1 → ParseError; xmin ≥ xmax or ymin ≥ ymax
 * → InvalidBoxError; a name not in `classNames` → InvalidLabelError. Strict mode throws these; lenient
 * mode skips that object and lists it in `problems`.
 */
export function parseVocXml(xml: string, options: ParseVocXmlOptions = {}): ParsedVocXml {
  const { file, classNames = VOC_CLASSES, mode = 'strict' } = options;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ParseError(`malformed XML: ${valid.err.msg}`, { file, line: valid.err.line, expected: 'well-formed XML' });
  }
  const doc = parser.parse(xml) as Node;
  const root = doc.annotation;
  if (!isNode(root)) throw new ParseError('no <annotation> root element', { file, field: 'annotation', expected: '<annotation>…</annotation>' });
  const size = root.size;
  if (!isNode(size)) throw new ParseError(size === undefined ? 'missing size' : 'size must appear once, with width and height', { file, field: 'size', expected: '<size> with width, height, depth' });
  const width = positiveInt(size, 'width', file);
  const height = positiveInt(size, 'height', file);
  const depth = positiveInt(size, 'depth', file, 3);
  const segmented = flag(root, 'segmented', 'segmented', { file });
  const report = new ProblemReport(mode);
  const objects: VocObject[] = [];
  (Array.isArray(root.object) ? root.object : []).forEach((o: unknown, index: number) => {
    const object = report.attempt(() => readObject(o, classNames, { file, index }));
    if (object !== undefined) objects.push(object);
  });
  return {
    annotation: { folder: text(root, 'folder') ?? '', filename: text(root, 'filename') ?? '', size: { width, height, depth }, segmented, objects },
    problems: report.problems,
  };
}

const escapeXml = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/** Writes an annotation as VOC XML (tab-indented, the element order of the VOC2012 Annotations files). */
export function vocAnnotationToXml(a: VocAnnotation, options: { database?: string } = {}): string {
  const { database = '@det synthetic shapes' } = options;
  const box = (b: VocBox, indent: string) =>
    `${indent}<bndbox>\n${indent}\t<xmin>${b.xmin}</xmin>\n${indent}\t<ymin>${b.ymin}</ymin>\n${indent}\t<xmax>${b.xmax}</xmax>\n${indent}\t<ymax>${b.ymax}</ymax>\n${indent}</bndbox>\n`;
  let xml = `<annotation>\n\t<folder>${escapeXml(a.folder)}</folder>\n\t<filename>${escapeXml(a.filename)}</filename>\n\t<source>\n\t\t<database>${escapeXml(database)}</database>\n\t</source>\n`;
  xml += `\t<size>\n\t\t<width>${a.size.width}</width>\n\t\t<height>${a.size.height}</height>\n\t\t<depth>${a.size.depth}</depth>\n\t</size>\n\t<segmented>${a.segmented ? 1 : 0}</segmented>\n`;
  for (const o of a.objects) {
    xml += `\t<object>\n\t\t<name>${escapeXml(o.name)}</name>\n\t\t<pose>${escapeXml(o.pose)}</pose>\n\t\t<truncated>${o.truncated ? 1 : 0}</truncated>\n\t\t<occluded>${o.occluded ? 1 : 0}</occluded>\n\t\t<difficult>${o.difficult ? 1 : 0}</difficult>\n`;
    xml += box(o.bndbox, '\t\t');
    for (const p of o.parts) xml += `\t\t<part>\n\t\t\t<name>${escapeXml(p.name)}</name>\n${box(p.bndbox, '\t\t\t')}\t\t</part>\n`;
    xml += '\t</object>\n';
  }
  return `${xml}</annotation>\n`;
}
