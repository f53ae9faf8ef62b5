import { describe, expect, it } from 'vitest';
import { evaluateCocoJson, type CocoGtJson, type CocoResultsJson } from './coco-json';
import { readMetricsFixture, toEvalImages } from './fixture.test-helper';
import { cocoPrCurves, prCurveSvg } from './pr-curve-svg';
import { evaluateVoc } from './voc';

/** Minimal well-formedness check: every opened tag is closed in order, attributes quoted. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)((?:\s+[a-zA-Z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name);
  }
  const stripped = svg.replace(/<(\/?)([a-z]+)((?:\s+[a-zA-Z0-9:-]+="[^"<>]*")*)\s*(\/?)>/g, '');
  return stack.length === 0 && !/[<>]/.test(stripped);
}

const c = readMetricsFixture().cases[0]; // 20 classes
const voc = evaluateVoc(toEvalImages(c, c.classes), { metric: 'voc07', classNames: c.classes });

describe('prCurveSvg', () => {
  it('draws one polyline per class with AP in the legend; the legend fits (height grows)', () => {
    const svg = prCurveSvg(voc, { height: 300 });
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/<polyline/g)?.length).toBe(voc.perClass.filter((p) => p.detections > 0).length);
    expect(svg).toContain(`${voc.perClass[0].className} (AP ${(voc.perClass[0].ap as number).toFixed(3)})`);
    const height = Number(/height="(\d+)"/.exec(svg)?.[1]);
    expect(height).toBeGreaterThanOrEqual(36 + 16 + 17 * 20);
    expect(svg).toContain('stroke-dasharray'); // classes 11–20 are dashed
  });
  it('filters classes by name or index, escapes names, shows n/a for undefined AP', () => {
    const svg = prCurveSvg(
      [
        { className: 'cat <1> & "2"', ap: 0.5, precision: Float64Array.from([1, 0.5]), recall: Float64Array.from([0.5, 0.5]) },
        { className: 'dog', ap: null, precision: new Float64Array(0), recall: new Float64Array(0) },
        { className: 'cow', ap: 1, precision: Float64Array.from([1]), recall: Float64Array.from([1]) },
      ],
      { classes: [0, 'dog'], title: 'a < b' },
    );
    expect(wellFormed(svg)).toBe(true);
    expect(svg.match(/<polyline/g)?.length).toBe(1);
    expect(svg).toContain('cat &lt;1&gt; &amp; &quot;2&quot; (AP 0.500)');
    expect(svg).toContain('dog (AP n/a)');
    expect(svg).not.toContain('cow');
    expect(svg).toContain('a &lt; b');
    expect(() => prCurveSvg(voc, { classes: ['zebra'] })).toThrow(/field 'classes', index 0/);
    expect(() => prCurveSvg(voc, { width: 10 })).toThrow(/width/);
  });
  it('thins long curves to one point per half pixel', () => {
    const n = 100_000;
    const recall = Float64Array.from({ length: n }, (_, i) => i / n);
    const precision = Float64Array.from({ length: n }, (_, i) => 1 - i / n / 2);
    const svg = prCurveSvg([{ className: 'x', ap: 0.7, precision, recall }]);
    const points = (/points="([^"]*)"/.exec(svg)?.[1] ?? '').split(' ').length;
    expect(points).toBeLessThan(2000);
  });
  it('COCO curves: precision at the 101 recall points at IoU 0.5', () => {
    const coco = evaluateCocoJson(c.coco_gt as CocoGtJson, c.coco_results as CocoResultsJson);
    const curves = cocoPrCurves(coco);
    expect(curves).toHaveLength(coco.perClass.length);
    const defined = curves.filter((k) => k.ap !== null);
    expect(defined.length).toBeGreaterThan(0);
    for (const k of defined) expect(k.recall.length).toBe(101);
    const mean = defined.reduce((s, k) => s + (k.ap as number), 0) / defined.length;
    expect(mean).toBeCloseTo(coco.stats[1], 12); // AP50
    expect(wellFormed(prCurveSvg(curves))).toBe(true);
    expect(() => cocoPrCurves(coco, { iouThreshold: 0.42 })).toThrow(/not part of the evaluation/);
  });
});
