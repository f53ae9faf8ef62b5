// What a user who already has a detector copies: read VOC-format ground truth with @det/voc, put the
// detector's boxes next to it, and score with @det/metrics (VOC07, VOC2010+ and COCO-style numbers).
import { evaluateCoco, evaluateVoc } from '@det/metrics';
import { loadVocDataset } from '@det/voc';

/**
 * Scores `detect(record)` — any function returning { boxes: Float32Array xyxy pixels, scores, labels } for an
 * image record — on a VOC-format dataset at `root` (Annotations/, ImageSets/Main/<set>.txt).
 */
export async function scoreDetector(root, detect, { set = 'val', classNames } = {}) {
  const { records } = await loadVocDataset(root, { set, classNames });
  const images = [];
  for (const record of records) {
    images.push({ id: record.id, groundTruth: record.groundTruth, detections: await detect(record) });
  }
  return {
    voc07: evaluateVoc(images, { metric: 'voc07', classNames }),
    voc12: evaluateVoc(images, { metric: 'voc12', classNames }),
    coco: evaluateCoco(images, { classNames }),
  };
}

/**
 * A stand-in detector for the demo: the ground truth, jittered, with a few misses, confusions and false
 * alarms — replace it with your model's predictions.
 */
export function noisyOracle(seed = 1) {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (record) => {
    const { boxes, labels } = record.groundTruth;
    const out = { boxes: [], scores: [], labels: [] };
    for (let i = 0; i < labels.length; i++) {
      if (random() < 0.1) continue; // a miss
      const w = boxes[4 * i + 2] - boxes[4 * i];
      const jitter = () => (random() - 0.5) * 0.2 * w;
      out.boxes.push(boxes[4 * i] + jitter(), boxes[4 * i + 1] + jitter(), boxes[4 * i + 2] + jitter(), boxes[4 * i + 3] + jitter());
      out.scores.push(0.5 + 0.5 * random());
      out.labels.push(random() < 0.1 ? (labels[i] + 1) % 3 : labels[i]);
    }
    for (let k = 0; k < 2; k++) {
      const x = random() * (record.width - 20);
      const y = random() * (record.height - 20);
      out.boxes.push(x, y, x + 10 + random() * 30, y + 10 + random() * 30);
      out.scores.push(0.6 * random());
      out.labels.push(Math.floor(random() * 3));
    }
    for (let k = 0; k < out.boxes.length; k += 4) {
      if (out.boxes[k + 2] <= out.boxes[k]) out.boxes[k + 2] = out.boxes[k] + 1;
      if (out.boxes[k + 3] <= out.boxes[k + 1]) out.boxes[k + 3] = out.boxes[k + 1] + 1;
    }
    return { boxes: Float32Array.from(out.boxes), scores: Float32Array.from(out.scores), labels: Int32Array.from(out.labels) };
  };
}
