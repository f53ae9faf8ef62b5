import { type ClassNames, InvalidBoxError, InvalidLabelError, ParseError } from '@det/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { type ParseMode, type Problem, ProblemReport } from './problems';

/** A box in VOC's 1-based inclusive pixel coordinates, as written in the XML. */
export interface VocBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface VocObject {
  name: string;
  /** Index of `name` in the class list. */
  label: number;
  pose: string;
  truncated: boolean;
  difficult: boolean;
  occluded: boolean;
  bndbox: VocBox;
  /** Optional person-layout parts (head, hand, foot). */
  parts: { name: string; bndbox: VocBox }[];
}

export interface VocAnnotation {
  folder: string;
  filename: string;
  size: { width: number; height: number; depth: number };
  segmented: boolean;
  objects: VocObject[];
}

export interface ParseVocXmlOptions {
  /** File name for error messages. */
  file?: string;
  /** Class list that object names must belong to (default VOC_CLASSES passed by the caller). */
  classNames: ClassNames;
  /** `'strict'` (default) throws; `'lenient'` skips bad objects and returns the problems. */
  mode?: ParseMode;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true, isArray: (name) => name === 'object' || name === 'part' });

type Node = Record<string, unknown>;

function text(node: Node, key: string): string | undefined {
  const v = node[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function flag(node: Node, key: string): boolean {
  const v = text(node, key);
  return v !== undefined && Number(v) === 1;
}

function readBox(node: unknown, file: string | undefined, field: string, index: number | undefined): VocBox {
  if (node === null || typeof node !== 'object') throw new ParseError('missing bndbox', { file, field, index, expected: '<bndbox> with xmin, ymin, xmax, ymax' });
  const box = {} as VocBox;
  for (const key of ['xmin', 'ymin', 'xmax', 'ymax'] as const) {
    const raw = text(node as Node, key);
    const value = raw === undefined ? Number.NaN : Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(value)) {
      throw new ParseError(raw === undefined ? `missing ${key}` : `${key} is not a number`, { file, field: `${field}.${key}`, index, expected: 'a number', received: raw });
    }
    box[key] = value;
  }
  if (box.xmin >= box.xmax || box.ymin >= box.ymax) {
    throw new InvalidBoxError('degenerate box', { file, field, index, expected: 'xmin < xmax and ymin < ymax', received: [box.xmin, box.ymin, box.xmax, box.ymax] });
  }
  return box;
}

/**
 * Parses one VOC annotation XML (`Annotations/<id>.xml`). Coordinates stay as written (1-based, inclusive).
 * Malformed XML, a missing size or bndbox field, xmin ≥ xmax, an unknown class → a DetError naming the
 * file, the field and the object index; in lenient mode bad objects are skipped and reported instead.
 */
export function parseVocXml(xml: string, options: ParseVocXmlOptions): { annotation: VocAnnotation; problems: Problem[] } {
  const { file, classNames, mode = 'strict' } = options;
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ParseError(`malformed XML: ${valid.err.msg}`, { file, line: valid.err.line, expected: 'well-formed XML' });
  }
  const doc = parser.parse(xml) as Node;
  const root = doc.annotation as Node | undefined;
  if (root === undefined || typeof root !== 'object') throw new ParseError('no <annotation> root element', { file, field: 'annotation' });
  const size = root.size as Node | undefined;
  if (size === undefined) throw new ParseError('missing <size>', { file, field: 'size', expected: '<size> with width, height, depth' });
  const dim = (key: string) => {
    const v = Number(text(size, key));
    if (!Number.isInteger(v) || v <= 0) throw new ParseError(`size.${key} must be a positive integer`, { file, field: `size.${key}`, received: text(size, key) });
    return v;
  };
  const width = dim('width');
  const height = dim('height');
  const depthText = text(size, 'depth');
  const report = new ProblemReport(mode);
  const objects: VocObject[] = [];
  ((root.object as Node[] | undefined) ?? []).forEach((o, index) => {
    try {
      const name = text(o, 'name');
      if (name === undefined || name === '') throw new ParseError('missing name', { file, field: 'object.name', index });
      const label = classNames.indexOf(name);
      if (label < 0) throw new InvalidLabelError(`unknown class '${name}'`, { file, field: 'object.name', index, expected: `one of ${classNames.join(', ')}` });
      const bndbox = readBox(o.bndbox, file, 'object.bndbox', index);
      const parts = ((o.part as Node[] | undefined) ?? []).map((p, k) => ({ name: text(p, 'name') ?? '', bndbox: readBox(p.bndbox, file, `object.part[${k}].bndbox`, index) }));
      objects.push({
        name,
        label,
        pose: text(o, 'pose') ?? 'Unspecified',
        truncated: flag(o, 'truncated'),
        difficult: flag(o, 'difficult'),
        occluded: flag(o, 'occluded'),
        bndbox,
        parts,
      });
    } catch (error) {
      if (error instanceof ParseError || error instanceof InvalidBoxError || error instanceof InvalidLabelError) report.report(error);
      else throw error;
    }
  });
  return {
    annotation: {
      folder: text(root, 'folder') ?? '',
      filename: text(root, 'filename') ?? '',
      size: { width, height, depth: depthText === undefined ? 3 : Number(depthText) },
      segmented: flag(root, 'segmented'),
      objects,
    },
    problems: report.problems,
  };
}

const escapeXml = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);

/** Writes an annotation as VOC XML (the layout of the VOC2012 Annotations files). */
export function vocAnnotationToXml(a: VocAnnotation): string {
  const box = (b: VocBox, indent: string) =>
    `${indent}<bndbox>\n${indent}\t<xmin>${b.xmin}</xmin>\n${indent}\t<ymin>${b.ymin}</ymin>\n${indent}\t<xmax>${b.xmax}</xmax>\n${indent}\t<ymax>${b.ymax}</ymax>\n${indent}</bndbox>\n`;
  let xml = `<annotation>\n\t<folder>${escapeXml(a.folder)}</folder>\n\t<filename>${escapeXml(a.filename)}</filename>\n\t<source>\n\t\t<database>@det synthetic shapes</database>\n\t</source>\n`;
  xml += `\t<size>\n\t\t<width>${a.size.width}</width>\n\t\t<height>${a.size.height}</height>\n\t\t<depth>${a.size.depth}</depth>\n\t</size>\n\t<segmented>${a.segmented ? 1 : 0}</segmented>\n`;
  for (const o of a.objects) {
    xml += `\t<object>\n\t\t<name>${escapeXml(o.name)}</name>\n\t\t<pose>${escapeXml(o.pose)}</pose>\n\t\t<truncated>${o.truncated ? 1 : 0}</truncated>\n\t\t<occluded>${o.occluded ? 1 : 0}</occluded>\n\t\t<difficult>${o.difficult ? 1 : 0}</difficult>\n`;
    xml += box(o.bndbox, '\t\t');
    for (const p of o.parts) xml += `\t\t<part>\n\t\t\t<name>${escapeXml(p.name)}</name>\n${box(p.bndbox, '\t\t\t')}\t\t</part>\n`;
    xml += '\t</object>\n';
  }
  return `${xml}</annotation>\n`;
}
