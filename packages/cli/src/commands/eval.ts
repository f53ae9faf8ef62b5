import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError, ParseError } from '@det/core';
import { type CocoGtJson, type CocoResultsJson, type EvalImage, evaluateCocoJson, evaluateVoc, prCurveSvg } from '@det/metrics';
import { loadVocDataset, VOC_CLASSES } from '@det/voc';
import { type OptionValues, parseCommandArgs, stringOption } from '../args';
import { type Command, type CommandIO, UsageError } from '../command';
import { readVocDetectionFiles } from '../detections-io';
import { renderSvgToPng } from '../render';
import { detectRecords } from '../detect-images';
import { evaluateInstances, loadVocInstances, maskRcnnClassNames } from '../instances';
import { modelFamily } from '../model-family';
import { loadMaskRcnn } from '@det/mask-rcnn';
import { loadSsd } from '@det/ssd';
import { initBackend } from '@det/tfjs';

const usage = `Usage:
  det eval --format voc --annotations DIR --image-set FILE --detections DIR [--metric voc07|voc12] [--json]
           [--classes a,b,…] [--iou 0.5] [--plot pr.png|pr.svg]
  det eval --format coco --annotations gt.json --detections results.json [--iou-type bbox|segm] [--json]
  det eval --model DIR --data VOC_ROOT [--set val] [--metric voc07|voc12] [--json] [--plot pr.png] [--backend wasm|cpu]

VOC: DIR holds Annotations/<id>.xml; the detections DIR holds devkit result files, one per class, named
…_<class>.txt (e.g. comp4_det_test_car.txt) with lines "image_id score xmin ymin xmax ymax".
Classes default to the 20 VOC classes. --model runs a detector folder written by det train over the images of
VOC_ROOT/ImageSets/Main/<set>.txt (the classes come from the model); a Mask R-CNN folder (det train --task
instance) runs over ImageSets/Segmentation/<set>.txt and reports COCO mask AP (segm) and box AP (bbox), with
SegmentationObject/ masks as ground truth and difficult objects ignored. COCO: ground-truth and results JSON as pycocotools reads them;
--iou-type segm scores masks (results carry 'segmentation' RLEs, ground truth polygons or RLEs).
--json prints { metric, mAP, perClass: { <class>: { ap, npos } } } (and stats for coco).`;

interface Report {
  metric: string;
  mAP: number;
  perClass: Record<string, { ap: number | null; npos: number }>;
  stats?: number[];
}

function printTable(io: CommandIO, report: Report, statNames?: string[]): void {
  const width = Math.max(8, ...Object.keys(report.perClass).map((c) => c.length));
  io.stdout(`${'class'.padEnd(width)}  ${'AP'.padStart(8)}  ${'npos'.padStart(6)}`);
  for (const [name, { ap, npos }] of Object.entries(report.perClass)) {
    io.stdout(`${name.padEnd(width)}  ${(ap === null ? 'n/a' : ap.toFixed(4)).padStart(8)}  ${String(npos).padStart(6)}`);
  }
  io.stdout(`${'mAP'.padEnd(width)}  ${report.mAP.toFixed(4).padStart(8)}   (${report.metric})`);
  if (report.stats && statNames) {
    io.stdout('');
    report.stats.forEach((v, i) => io.stdout(`${statNames[i].padEnd(6)} ${v.toFixed(4)}`));
  }
}

async function evalModel(values: OptionValues, io: CommandIO): Promise<number> {
  const modelDir = stringOption(values, 'model') as string;
  const data = stringOption(values, 'data');
  if (!data) throw new UsageError('--model needs --data VOC_ROOT');
  const metric = stringOption(values, 'metric') ?? 'voc07';
  if (metric !== 'voc07' && metric !== 'voc12') throw new UsageError(`--metric must be voc07 or voc12, got '${metric}'`);
  await initBackend(stringOption(values, 'backend') as Parameters<typeof initBackend>[0]);
  if ((await modelFamily(modelDir)) === 'mask-rcnn') return evalMaskRcnn(modelDir, data, values, io);
  const { model, config } = await loadSsd(modelDir);
  try {
    const classNames = config.classes ?? Array.from({ length: config.numClasses - 1 }, (_, i) => `class${i}`);
    const dataset = await loadVocDataset(data, { set: stringOption(values, 'set') ?? 'val', classNames });
    const images = await detectRecords(model, dataset.records, { scoreThreshold: 0.01 });
    return report(values, io, images, classNames, metric);
  } finally {
    model.dispose();
  }
}

/** COCO mask and box AP of a Mask R-CNN folder over a VOC instance split. */
async function evalMaskRcnn(modelDir: string, data: string, values: OptionValues, io: CommandIO): Promise<number> {
  const { model, config } = await loadMaskRcnn(modelDir);
  try {
    const classNames = maskRcnnClassNames(config).slice(1);
    const samples = await loadVocInstances(data, { set: stringOption(values, 'set') ?? 'val', classNames });
    const { segm, bbox } = evaluateInstances(model, samples, { classNames });
    const summary: Report & { bbox: { mAP: number; stats: number[] } } = {
      metric: 'coco-segm',
      mAP: segm.stats[0],
      perClass: Object.fromEntries(segm.perClass.map((c) => [c.className, { ap: c.ap, npos: c.npos }])),
      stats: segm.stats,
      bbox: { mAP: bbox.stats[0], stats: bbox.stats },
    };
    if (values.json) io.stdout(JSON.stringify(summary));
    else {
      printTable(io, summary, segm.summary.map((e) => e.name));
      io.stdout('');
      io.stdout('boxes (bbox):');
      bbox.stats.forEach((v, i) => io.stdout(`${bbox.summary[i].name.padEnd(6)} ${v.toFixed(4)}`));
    }
    return 0;
  } finally {
    model.dispose();
  }
}

async function evalVoc(values: OptionValues, io: CommandIO): Promise<number> {
  const annotations = stringOption(values, 'annotations');
  const imageSet = stringOption(values, 'image-set');
  const detections = stringOption(values, 'detections');
  if (!annotations || !imageSet || !detections) throw new UsageError('voc needs --annotations, --image-set and --detections');
  const metric = stringOption(values, 'metric') ?? 'voc07';
  if (metric !== 'voc07' && metric !== 'voc12') throw new UsageError(`--metric must be voc07 or voc12, got '${metric}'`);
  const classesOption = stringOption(values, 'classes');
  const classNames = classesOption ? classesOption.split(',').map((c) => c.trim()) : VOC_CLASSES;
  const iouText = stringOption(values, 'iou');
  const iouThreshold = iouText === undefined ? 0.5 : Number(iouText);
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) throw new UsageError(`--iou must be in [0, 1], got '${iouText}'`);
  const dataset = await loadVocDataset(annotations, { imageSetFile: imageSet, classNames });
  const { lines } = await readVocDetectionFiles(detections, classNames);
  const index = new Map(dataset.records.map((r, i) => [r.id, i]));
  const perImage = dataset.records.map(() => ({ boxes: [] as number[], scores: [] as number[], labels: [] as number[] }));
  for (const l of lines) {
    const i = index.get(l.imageId);
    if (i === undefined) {
      throw new DatasetError('detection for an image that is not in the image set', { file: join(detections, `…_${classNames[l.label]}.txt`), received: l.imageId, expected: `an id listed in ${imageSet}` });
    }
    perImage[i].boxes.push(...l.box);
    perImage[i].scores.push(l.score);
    perImage[i].labels.push(l.label);
  }
  const images: EvalImage[] = dataset.records.map((r, i) => ({
    id: r.id,
    groundTruth: r.groundTruth,
    detections: { boxes: Float32Array.from(perImage[i].boxes), scores: Float32Array.from(perImage[i].scores), labels: Int32Array.from(perImage[i].labels) },
  }));
  return report(values, io, images, classNames, metric, iouThreshold);
}

/** Scores VOC-style, prints the table (or JSON), optionally plots the PR curves. */
async function report(values: OptionValues, io: CommandIO, images: EvalImage[], classNames: readonly string[], metric: 'voc07' | 'voc12', iouThreshold = 0.5): Promise<number> {
  const result = evaluateVoc(images, { metric, iouThreshold, classNames: [...classNames] });
  const summary: Report = {
    metric,
    mAP: result.mAP,
    perClass: Object.fromEntries(result.perClass.map((c) => [c.className, { ap: c.ap, npos: c.npos }])),
  };
  if (values.json) io.stdout(JSON.stringify(summary));
  else printTable(io, summary);
  const plot = stringOption(values, 'plot');
  if (plot) {
    const svg = prCurveSvg(result.perClass, { title: `Precision–recall (${metric}, mAP ${result.mAP.toFixed(4)})`, height: Math.max(480, 60 + 17 * classNames.length) });
    await writeFile(plot, plot.endsWith('.svg') ? svg : await renderSvgToPng(svg));
    if (!values.json) io.stdout(`wrote ${plot}`);
  }
  return 0;
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DatasetError(`${what} file not found`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ParseError(`${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}

async function evalCoco(values: OptionValues, io: CommandIO): Promise<number> {
  const annotations = stringOption(values, 'annotations');
  const detections = stringOption(values, 'detections');
  if (!annotations || !detections) throw new UsageError('coco needs --annotations gt.json and --detections results.json');
  const gt = (await readJson(annotations, 'ground truth')) as CocoGtJson;
  const results = (await readJson(detections, 'results')) as CocoResultsJson;
  const iouType = stringOption(values, 'iou-type') ?? 'bbox';
  if (iouType !== 'bbox' && iouType !== 'segm') throw new UsageError(`--iou-type must be bbox or segm, got '${iouType}'`);
  const result = evaluateCocoJson(gt, results, { iouType });
  const npos = new Map<string, number>();
  const catName = new Map(gt.categories.map((c) => [c.id, c.name]));
  for (const a of gt.annotations) if (!a.iscrowd) npos.set(catName.get(a.category_id) ?? '', (npos.get(catName.get(a.category_id) ?? '') ?? 0) + 1);
  const report: Report = {
    metric: iouType === 'segm' ? 'coco-segm' : 'coco',
    mAP: result.stats[0],
    perClass: Object.fromEntries(result.perClass.map((c) => [c.className, { ap: c.ap, npos: npos.get(c.className) ?? 0 }])),
    stats: result.stats,
  };
  if (values.json) io.stdout(JSON.stringify(report));
  else printTable(io, report, result.summary.map((s) => s.name));
  return 0;
}

/** `det eval`: scores detections against VOC or COCO ground truth. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'score detections: VOC (devkit result files) or COCO (JSON) mAP',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      format: { type: 'string' },
      annotations: { type: 'string' },
      'image-set': { type: 'string' },
      detections: { type: 'string' },
      metric: { type: 'string' },
      classes: { type: 'string' },
      iou: { type: 'string' },
      'iou-type': { type: 'string' },
      plot: { type: 'string' },
      json: { type: 'boolean' },
      model: { type: 'string' },
      data: { type: 'string' },
      set: { type: 'string' },
      backend: { type: 'string' },
    });
    if (stringOption(values, 'model') !== undefined) return evalModel(values, io);
    const format = stringOption(values, 'format');
    if (format === 'voc') return evalVoc(values, io);
    if (format === 'coco') return evalCoco(values, io);
    throw new UsageError(`--format must be voc or coco${format ? `, got '${format}'` : ''}`);
  },
};
