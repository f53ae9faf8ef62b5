import { writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { initBackend } from '@det/tfjs';
import { readImage } from '@det/data';
import { loadMaskRcnn } from '@det/mask-rcnn';
import { loadSegmentation } from '@det/segmentation';
import { loadSsd } from '@det/ssd';
import { parseCommandArgs, stringOption } from '../args';
import { type Command, UsageError } from '../command';
import { detectFiles } from '../detect-images';
import { drawDetections } from '../draw-detections';
import { drawInstances } from '../draw-instances';
import { drawSegmentation } from '../draw-segmentation';
import { detectionsAbove, maskRcnnClassNames, readUnitImage } from '../instances';
import { modelFamily } from '../model-family';

const usage = `Usage: det predict --model DIR --image FILE [--image FILE …] [--out FILE.png | --out-dir DIR]
                   [--score 0.3] [--iou 0.45] [--top-k 200] [--backend wasm|cpu|tensorflow] [--json]

Runs a saved model (a folder written by det train) on images. A detector: draws the boxes with class names
and scores, and prints one line per detection ("file class score xmin ymin xmax ymax", pixels). A segmenter:
writes the class map as a VOC-palette overlay and prints each class's share of the pixels. A Mask R-CNN: draws
translucent instance masks with their boxes, class names and scores, and prints one line per instance
("file class score xmin ymin xmax ymax maskPixels").
  --out FILE.png   drawing of a single --image
  --out-dir DIR    one <name>.png drawing per image
  --score S        keep detections scoring above S (default 0.3)
  --json           print [{ image, detections: [{ class, score, box }] }] instead`;

function number(text: string | undefined, option: string, fallback: number, lo: number, hi: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!(v >= lo && v <= hi)) throw new UsageError(`--${option} must be a number in [${lo}, ${hi}], got '${text}'`);
  return v;
}

/** `det predict`: detections drawn on images. */
export const predictCommand: Command = {
  name: 'predict',
  summary: 'run a trained detector on images and draw its detections',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      model: { type: 'string' },
      image: { type: 'string', multiple: true },
      out: { type: 'string' },
      'out-dir': { type: 'string' },
      score: { type: 'string' },
      iou: { type: 'string' },
      'top-k': { type: 'string' },
      backend: { type: 'string' },
      json: { type: 'boolean' },
    });
    const modelDir = stringOption(values, 'model');
    const images = (values.image as string[] | undefined) ?? [];
    if (!modelDir || images.length === 0) throw new UsageError('--model and at least one --image are needed');
    const out = stringOption(values, 'out');
    const outDir = stringOption(values, 'out-dir');
    if (out && images.length > 1) throw new UsageError('--out draws one image; use --out-dir for several');
    await initBackend(stringOption(values, 'backend') as Parameters<typeof initBackend>[0]);
    const family = await modelFamily(modelDir);
    const target = (i: number) => out ?? (outDir ? join(outDir, `${basename(images[i], extname(images[i]))}.png`) : undefined);
    if (family === 'segmentation') {
      const { model, config } = await loadSegmentation(modelDir);
      try {
        const classes = config.classes ?? Array.from({ length: config.numClasses }, (_, i) => `class${i}`);
        const report = [];
        for (let i = 0; i < images.length; i++) {
          const [map] = model.predict([await readImage(images[i])], { size: config.imageSize });
          const counts = new Array<number>(config.numClasses).fill(0);
          for (const c of map.data) counts[c]++;
          const fractions = Object.fromEntries(classes.map((c, k) => [c, counts[k] / map.data.length]));
          report.push({ image: images[i], fractions });
          const file = target(i);
          if (file) await writeFile(file, await drawSegmentation(images[i], map));
        }
        if (values.json) io.stdout(JSON.stringify(report));
        else for (const r of report) io.stdout(`${r.image} ${Object.entries(r.fractions).map(([c, f]) => `${c} ${(100 * f).toFixed(1)}%`).join(', ')}`);
        return 0;
      } finally {
        model.dispose();
      }
    }
    if (family === 'mask-rcnn') {
      const { model, config } = await loadMaskRcnn(modelDir);
      model.eval();
      try {
        const classes = maskRcnnClassNames(config);
        const score = number(stringOption(values, 'score'), 'score', 0.3, 0, 1);
        const report = [];
        for (let i = 0; i < images.length; i++) {
          const [det] = model.forward([await readUnitImage(images[i])]);
          const kept = detectionsAbove(det, score);
          report.push({
            image: images[i],
            detections: Array.from(kept.scores, (s, j) => ({ class: classes[kept.labels[j]], score: s, box: Array.from(kept.boxes.subarray(4 * j, 4 * j + 4)), maskPixels: kept.masks[j].reduce((a, v) => a + v, 0) })),
          });
          const file = target(i);
          if (file) await writeFile(file, await drawInstances(images[i], kept, classes));
        }
        if (values.json) io.stdout(JSON.stringify(report));
        else {
          for (const r of report) {
            for (const d of r.detections) io.stdout(`${r.image} ${d.class} ${d.score.toFixed(4)} ${d.box.map((v) => v.toFixed(1)).join(' ')} ${d.maskPixels}`);
          }
        }
        return 0;
      } finally {
        model.dispose();
      }
    }
    const { model, config } = await loadSsd(modelDir);
    try {
      const classes = config.classes ?? Array.from({ length: config.numClasses - 1 }, (_, i) => `class${i}`);
      const detections = await detectFiles(model, images, {
        scoreThreshold: number(stringOption(values, 'score'), 'score', 0.3, 0, 1),
        iouThreshold: number(stringOption(values, 'iou'), 'iou', 0.45, 0, 1),
        topK: number(stringOption(values, 'top-k'), 'top-k', 200, 1, 1e6),
      });
      const report = images.map((image, i) => {
        const d = detections[i];
        return {
          image,
          detections: Array.from(d.scores, (score, k) => ({ class: classes[d.labels[k]], score, box: Array.from(d.boxes.subarray(4 * k, 4 * k + 4)) })),
        };
      });
      if (values.json) io.stdout(JSON.stringify(report));
      else {
        for (const r of report) {
          for (const d of r.detections) io.stdout(`${r.image} ${d.class} ${d.score.toFixed(4)} ${d.box.map((v) => v.toFixed(1)).join(' ')}`);
        }
      }
      for (let i = 0; i < images.length; i++) {
        const file = target(i);
        if (file) await writeFile(file, await drawDetections(images[i], detections[i], classes));
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
