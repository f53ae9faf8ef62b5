import { readFileSync } from 'node:fs';
import { DetError, InvalidBoxError, InvalidLabelError, ParseError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { VOC_CLASSES } from './classes';
import { parseVocXml, vocAnnotationToXml } from './xml';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const parse = (name: string, mode: 'strict' | 'lenient' = 'strict') => parseVocXml(fixture(name), { file: name, mode });

describe('parseVocXml on VOC2007/VOC2012-style files', () => {
  it('VOC2007: several objects, pose, truncated, difficult; optional <occluded> absent → false', () => {
    const { annotation, problems } = parse('voc2007_multi.xml');
    expect(problems).toEqual([]);
    expect(annotation).toMatchObject({ folder: 'VOC2007', filename: '000012.jpg', size: { width: 500, height: 333, depth: 3 }, segmented: false });
    expect(annotation.objects.map((o) => [o.name, o.label, o.pose, o.truncated, o.difficult, o.occluded])).toEqual([
      ['car', 6, 'Rear', false, false, false],
      ['person', 14, 'Left', true, false, false],
      ['bottle', 4, 'Unspecified', false, true, false],
    ]);
    expect(annotation.objects[1].bndbox).toEqual({ xmin: 1, ymin: 64, xmax: 63, ymax: 333 });
    expect(annotation.objects[0].parts).toEqual([]);
  });

  it('VOC2007 person layout: <part>s with their own boxes', () => {
    const [person] = parse('voc2007_parts.xml').annotation.objects;
    expect(person.name).toBe('person');
    expect(person.parts.map((p) => p.name)).toEqual(['head', 'hand', 'foot', 'foot']);
    expect(person.parts[0].bndbox).toEqual({ xmin: 169, ymin: 104, xmax: 209, ymax: 146 });
    expect(person.parts[3].bndbox).toEqual({ xmin: 319, ymin: 307, xmax: 340, ymax: 326 });
  });

  it('VOC2012: a single <object> (not an array), elements in alphabetical order, <occluded>', () => {
    const { annotation } = parse('voc2012_single.xml');
    expect(annotation.size).toEqual({ width: 500, height: 375, depth: 3 });
    expect(annotation.objects).toHaveLength(1);
    expect(annotation.objects[0]).toEqual({
      name: 'bird',
      label: 2,
      pose: 'Frontal',
      truncated: false,
      difficult: false,
      occluded: true,
      bndbox: { xmin: 73, ymin: 87, xmax: 318, ymax: 352 },
      parts: [],
    });
  });

  it('float coordinates kept as written; missing optional fields default like the devkit', () => {
    const { annotation } = parse('voc2012_float.xml');
    expect(annotation.segmented).toBe(true);
    expect(annotation.objects[0].bndbox).toEqual({ xmin: 273, ymin: 68.5, xmax: 500, ymax: 375 });
    expect(annotation.objects[1]).toEqual({
      name: 'sofa',
      label: 17,
      pose: 'Unspecified',
      truncated: false,
      difficult: false,
      occluded: false,
      bndbox: { xmin: 1, ymin: 121.62, xmax: 341.7, ymax: 375 },
      parts: [],
    });
  });

  it('no <object>, no <depth>: an empty object list and depth 3', () => {
    const xml = '<annotation><filename>a.jpg</filename><size><width>4</width><height>3</height></size></annotation>';
    expect(parseVocXml(xml).annotation).toEqual({ folder: '', filename: 'a.jpg', size: { width: 4, height: 3, depth: 3 }, segmented: false, objects: [] });
  });

  it('a custom class list; labels index it', () => {
    const { annotation } = parseVocXml(fixture('voc2007_multi.xml'), { classNames: ['person', 'car', 'bottle'] });
    expect(annotation.objects.map((o) => o.label)).toEqual([1, 0, 2]);
  });

  it('round-trips every sample through vocAnnotationToXml', () => {
    for (const name of ['voc2007_multi.xml', 'voc2007_parts.xml', 'voc2012_single.xml', 'voc2012_float.xml']) {
      const { annotation } = parse(name);
      expect(parseVocXml(vocAnnotationToXml(annotation)).annotation).toEqual(annotation);
    }
    const odd = { ...parse('voc2012_single.xml').annotation, filename: 'a&b<c>.jpg' };
    expect(parseVocXml(vocAnnotationToXml(odd)).annotation.filename).toBe('a&b<c>.jpg');
  });
});

// One good `cat` object (index 0) and one bad object (index 1) per file.
const badObjects = [
  { name: 'broken_no_bndbox.xml', type: ParseError, code: 'PARSE_ERROR', field: 'object.bndbox', message: /missing bndbox/ },
  { name: 'broken_no_xmax.xml', type: ParseError, code: 'PARSE_ERROR', field: 'object.bndbox.xmax', message: /missing xmax/ },
  { name: 'broken_degenerate.xml', type: InvalidBoxError, code: 'INVALID_BOX', field: 'object.bndbox', message: /degenerate box \(expected xmin < xmax and ymin < ymax, got \[140,301,140,498\]\)/ },
  { name: 'broken_unknown_class.xml', type: InvalidLabelError, code: 'INVALID_LABEL', field: 'object.name', message: /unknown class 'unicorn' \(expected one of aeroplane, .*tvmonitor\)/ },
] as const;

describe('bad objects: strict throws naming file, field and index; lenient skips and reports', () => {
  for (const c of badObjects) {
    it(c.name, () => {
      let error: unknown;
      try {
        parse(c.name);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(c.type);
      expect(error).toMatchObject({ file: c.name, field: c.field, index: 1, code: c.code });
      expect((error as Error).message).toContain(`${c.name}, field '${c.field}', index 1: `);
      expect((error as Error).message).toMatch(c.message);

      const { annotation, problems } = parse(c.name, 'lenient');
      expect(annotation.objects.map((o) => o.name)).toEqual(['cat']);
      expect(problems).toEqual([{ file: c.name, field: c.field, index: 1, code: c.code, message: (error as Error).message }]);
    });
  }

  it('non-numbers, bad flags, two bndboxes, a part without a box, an object without a name', () => {
    const cat = '<object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>';
    const wrap = (o: string) => `<annotation><size><width>10</width><height>10</height></size>${cat}${o}</annotation>`;
    const cases: [string, string][] = [
      ['<object><name>dog</name><bndbox><xmin>x</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>', 'object.bndbox.xmin'],
      ['<object><name>dog</name><bndbox><xmin></xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>', 'object.bndbox.xmin'],
      ['<object><name>dog</name><difficult>yes</difficult><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>', 'object.difficult'],
      ['<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox><bndbox /></object>', 'object.bndbox'],
      ['<object><name>person</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox><part><name>head</name></part></object>', 'object.part[0].bndbox'],
      ['<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>', 'object.name'],
      ['<object><name>dog</name><bndbox><xmin>1</xmin><ymin>5</ymin><xmax>9</xmax><ymax>4</ymax></bndbox></object>', 'object.bndbox'],
    ];
    for (const [object, field] of cases) {
      expect(() => parseVocXml(wrap(object), { file: 'x.xml' }), field).toThrow(DetError);
      expect(() => parseVocXml(wrap(object), { file: 'x.xml' }), field).toThrow(`field '${field}', index 1`);
      const { annotation, problems } = parseVocXml(wrap(object), { file: 'x.xml', mode: 'lenient' });
      expect(annotation.objects.map((o) => o.name)).toEqual(['cat']);
      expect(problems.map((p) => [p.file, p.field, p.index])).toEqual([['x.xml', field, 1]]);
    }
  });
});

describe('file-level faults throw ParseError in both modes', () => {
  for (const mode of ['strict', 'lenient'] as const) {
    it(`malformed XML names the file and line (${mode})`, () => {
      expect(() => parse('broken_malformed.xml', mode)).toThrow(ParseError);
      expect(() => parse('broken_malformed.xml', mode)).toThrow(/^broken_malformed\.xml:\d+: malformed XML/);
    });
    it(`a missing <size> names the field (${mode})`, () => {
      expect(() => parse('broken_no_size.xml', mode)).toThrow(/broken_no_size\.xml, field 'size': missing size/);
    });
  }
  it('bad size fields, no root element', () => {
    const size = (s: string) => `<annotation><size>${s}</size></annotation>`;
    expect(() => parseVocXml(size('<width>500</width>'), { file: 'a.xml' })).toThrow(/field 'size.height': missing size.height/);
    expect(() => parseVocXml(size('<width>0</width><height>3</height>'), { file: 'a.xml' })).toThrow(/field 'size.width'/);
    expect(() => parseVocXml(size('<width>5</width><height>3</height><depth>x</depth>'), { file: 'a.xml' })).toThrow(/field 'size.depth'/);
    expect(() => parseVocXml('<doc></doc>', { file: 'a.xml' })).toThrow(/field 'annotation'/);
    expect(() => parseVocXml('', { file: 'a.xml' })).toThrow(ParseError);
  });
  it('defaults: strict mode, VOC classes', () => {
    expect(() => parseVocXml(fixture('broken_unknown_class.xml'))).toThrow(InvalidLabelError);
    expect(parseVocXml(fixture('voc2012_single.xml'), { classNames: VOC_CLASSES }).problems).toEqual([]);
  });
});
