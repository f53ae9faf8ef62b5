import { InvalidBoxError, InvalidLabelError, ParseError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { VOC_CLASSES } from './classes';
import { parseVocXml, vocAnnotationToXml } from './xml';

// Layout of VOC2007 / VOC2012 annotation files.
const voc2007 = `<annotation>
	<folder>VOC2007</folder>
	<filename>000005.jpg</filename>
	<source><database>The VOC2007 Database</database><annotation>PASCAL VOC2007</annotation></source>
	<size><width>500</width><height>375</height><depth>3</depth></size>
	<segmented>0</segmented>
	<object><name>chair</name><pose>Rear</pose><truncated>0</truncated><difficult>0</difficult>
		<bndbox><xmin>263</xmin><ymin>211</ymin><xmax>324</xmax><ymax>339</ymax></bndbox></object>
	<object><name>chair</name><pose>Unspecified</pose><truncated>1</truncated><difficult>1</difficult>
		<bndbox><xmin>5</xmin><ymin>244</ymin><xmax>67</xmax><ymax>374</ymax></bndbox></object>
</annotation>`;
const voc2012Parts = `<annotation>
	<filename>2008_000008.jpg</filename><folder>VOC2012</folder>
	<object><name>person</name>
		<bndbox><xmin>158.0</xmin><ymin>44.5</ymin><xmax>289</xmax><ymax>167</ymax></bndbox>
		<difficult>0</difficult><occluded>1</occluded><pose>Unspecified</pose>
		<part><name>head</name><bndbox><xmin>169</xmin><ymin>104</ymin><xmax>209</xmax><ymax>146</ymax></bndbox></part>
		<part><name>hand</name><bndbox><xmin>278</xmin><ymin>210</ymin><xmax>297</xmax><ymax>233</ymax></bndbox></part>
	</object>
	<segmented>0</segmented>
	<size><depth>3</depth><height>442</height><width>500</width></size>
</annotation>`;

const opts = (file: string, mode: 'strict' | 'lenient' = 'strict') => ({ file, classNames: VOC_CLASSES, mode });

describe('parseVocXml on genuine-looking files', () => {
  it('VOC2007: size, objects, flags', () => {
    const { annotation, problems } = parseVocXml(voc2007, opts('000005.xml'));
    expect(problems).toEqual([]);
    expect(annotation.size).toEqual({ width: 500, height: 375, depth: 3 });
    expect(annotation.objects).toHaveLength(2);
    expect(annotation.objects[1]).toMatchObject({ name: 'chair', label: 8, truncated: true, difficult: true, bndbox: { xmin: 5, ymin: 244, xmax: 67, ymax: 374 } });
  });
  it('VOC2012: a single object with parts, float coordinates, fields in any order', () => {
    const { annotation } = parseVocXml(voc2012Parts, opts('2008_000008.xml'));
    expect(annotation.objects).toHaveLength(1);
    const person = annotation.objects[0];
    expect(person.bndbox).toEqual({ xmin: 158, ymin: 44.5, xmax: 289, ymax: 167 });
    expect(person.occluded).toBe(true);
    expect(person.parts.map((p) => p.name)).toEqual(['head', 'hand']);
  });
  it('round-trips through the writer', () => {
    const { annotation } = parseVocXml(voc2012Parts, opts('x.xml'));
    expect(parseVocXml(vocAnnotationToXml(annotation), opts('y.xml')).annotation).toEqual(annotation);
  });
});

describe('bad input names the file and field', () => {
  const broken = (objects: string) => voc2007.replace(/<object>[\s\S]*<\/object>/, objects);
  it('malformed XML', () => {
    expect(() => parseVocXml('<annotation><size>', opts('bad.xml'))).toThrow(ParseError);
    expect(() => parseVocXml('<annotation><size>', opts('bad.xml'))).toThrow(/bad\.xml/);
  });
  it('missing field', () => {
    const xml = broken('<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><ymax>9</ymax></bndbox></object>');
    expect(() => parseVocXml(xml, opts('a.xml'))).toThrow(/a\.xml, field 'object\.bndbox\.xmax', index 0: missing xmax/);
    expect(() => parseVocXml(voc2007.replace(/<size>.*<\/size>/, ''), opts('a.xml'))).toThrow(/field 'size'/);
  });
  it('xmin >= xmax', () => {
    const xml = broken('<object><name>dog</name><bndbox><xmin>9</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>');
    expect(() => parseVocXml(xml, opts('b.xml'))).toThrow(InvalidBoxError);
  });
  it('unknown class', () => {
    const xml = broken('<object><name>unicorn</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>');
    expect(() => parseVocXml(xml, opts('c.xml'))).toThrow(InvalidLabelError);
    expect(() => parseVocXml(xml, opts('c.xml'))).toThrow(/unknown class 'unicorn'/);
  });
  it('lenient mode skips bad objects and reports them', () => {
    const xml = broken(
      '<object><name>unicorn</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>' +
        '<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>' +
        '<object><name>cat</name><bndbox><xmin>x</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>',
    );
    const { annotation, problems } = parseVocXml(xml, opts('d.xml', 'lenient'));
    expect(annotation.objects.map((o) => o.name)).toEqual(['dog']);
    expect(problems.map((p) => [p.index, p.code])).toEqual([
      [0, 'INVALID_LABEL'],
      [2, 'PARSE_ERROR'],
    ]);
    expect(problems[1].file).toBe('d.xml');
  });
});
