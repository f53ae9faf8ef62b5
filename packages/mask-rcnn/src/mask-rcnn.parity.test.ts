import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boxIou } from '@det/boxes';
import { type LoadStateDictResult, readSafetensors } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HW } from './anchor-generator';
import { maskrcnnResnet50Fpn } from './builders';
import type { FeatureDict } from './feature-dict';
import { canonical, maxAbsDiff, relError } from './fixture.test-helper';
import type { ImageList } from './image-list';
import type { MaskRCNN } from './mask-rcnn';

const PYTHON = process.env.DET_TORCH_PYTHON ?? '/usr/bin/python3';
const hasTorchvision = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;
if (!hasTorchvision) {
  console.warn(`[@det/mask-rcnn tests] ${PYTHON} with torchvision not found: the maskrcnn_resnet50_fpn parity test is skipped (apt-get install python3-torchvision)`);
}

/** The tolerance: max |ours − torchvision| / max |torchvision| per compared tensor. */
const TOL = 1e-3;
/**
 * Input size, no resize on either side: 800×800 (the case; min_size 800 = the image's side), or
 * DET_MASKRCNN_PARITY_SIZE=HxW (e.g. 280x300: a quarter of the time and memory, and a padded, non-square batch).
 */
const SIZE = process.env.DET_MASKRCNN_PARITY_SIZE?.split('x').map(Number);
const H = SIZE?.[0] ?? 800;
const W = SIZE?.[1] ?? SIZE?.[0] ?? 800;

/**
 * For each reference box, the index of our box with the same label and the highest IoU (≥ minIou), or −1.
 * Used where near-ties (top-k cut-offs, NMS) may legitimately reorder or swap a few entries.
 */
function matchBoxes(ours: Float32Array, oursLabels: ArrayLike<number> | null, ref: Float32Array, refLabels: ArrayLike<number> | null, minIou: number): Int32Array {
  const n = ref.length >> 2;
  const m = ours.length >> 2;
  const iou = m > 0 && n > 0 ? boxIou(ref, ours) : new Float32Array(0);
  const used = new Uint8Array(m);
  return Int32Array.from({ length: n }, (_, i) => {
    let best = -1;
    let bestIou = minIou;
    for (let j = 0; j < m; j++) {
      if (used[j] || (refLabels && oursLabels && refLabels[i] !== oursLabels[j])) continue;
      if (iou[i * m + j] >= bestIou) {
        bestIou = iou[i * m + j];
        best = j;
      }
    }
    if (best >= 0) used[best] = 1;
    return best;
  });
}

const nhwc = (t: tf.Tensor) => tf.tidy(() => tf.transpose(t, [0, 2, 3, 1]));

describe.skipIf(!hasTorchvision)(`maskrcnnResnet50Fpn vs torchvision maskrcnn_resnet50_fpn (random weights, eval, ${H}×${W} input, no resize) [wasm]`, () => {
  let dir = '';
  let model: MaskRCNN;
  let loaded: LoadStateDictResult;
  let io: Map<string, tf.Tensor>;
  let info: { repr: string; imageSizes: HW[]; padded: [number, number]; detections: number; proposals: number };
  let imageList: ImageList;
  let features: FeatureDict;
  const ref = (name: string) => io.get(name) as tf.Tensor;
  const values = (name: string) => ref(name).dataSync() as Float32Array;

  beforeAll(async () => {
    await initBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'det-maskrcnn-ref-'));
    const script = new URL('../../../scripts/fixtures/maskrcnn_reference.py', import.meta.url).pathname;
    const r = spawnSync(PYTHON, [script, dir, String(H), String(W)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    info = JSON.parse(readFileSync(join(dir, 'maskrcnn.json'), 'utf8'));
    // Same configuration on both sides: min/max size = the image's sides (scale exactly 1), 200 proposals after NMS.
    model = maskrcnnResnet50Fpn({ numClasses: 91, pretrained: false, minSize: Math.min(H, W), maxSize: Math.max(H, W), rpnPostNmsTopNTest: 200 }).eval();
    const weights = await readSafetensors(join(dir, 'maskrcnn.safetensors'));
    loaded = model.loadStateDict(weights.tensors, { source: 'torchvision' });
    tf.dispose([...weights.tensors.values()]);
    io = (await readSafetensors(join(dir, 'maskrcnn-io.safetensors'))).tensors as Map<string, tf.Tensor>;
    const image = tf.tidy(() => tf.transpose(ref('x'), [1, 2, 0])) as tf.Tensor3D;
    imageList = model.transform.forward([image]).imageList;
    image.dispose();
    features = model.features(imageList.tensors);
  }, 300_000);

  afterAll(() => {
    if (features) tf.dispose(Object.values(features));
    imageList?.tensors.dispose();
    if (io) tf.dispose([...io.values()]);
    model?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints like torchvision and loads its state dict by key', () => {
    expect(String(model)).toBe(info.repr);
    expect(loaded).toEqual({ missingKeys: [], unexpectedKeys: [] });
  });

  it('transform: no resize, padded to multiples of 32', () => {
    expect(imageList.imageSizes).toEqual(info.imageSizes);
    expect(imageList.tensors.shape).toEqual([1, ...info.padded, 3]);
  });

  it(`FPN features '0' … '3', 'pool' within ${TOL} of scale`, () => {
    expect(Object.keys(features)).toEqual(['0', '1', '2', '3', 'pool']);
    for (const [k, f] of Object.entries(features)) {
      const want = nhwc(ref(`features.${k}`));
      const e = relError(f.dataSync(), want.dataSync());
      console.log(`FPN '${k}' ${f.shape.join('×')}: ${e.toExponential(2)}`);
      expect(f.shape).toEqual(want.shape);
      expect(e).toBeLessThan(TOL);
      want.dispose();
    }
  });

  it(`RPN objectness and pred_bbox_deltas per level within ${TOL} of scale; anchors equal; proposals agree`, () => {
    const rpn = model.rpn;
    const [logits, deltas] = rpn.get('head').forward(Object.values(features)) as [tf.Tensor4D[], tf.Tensor4D[]];
    logits.forEach((l, i) => {
      const wantL = nhwc(ref(`objectness.${i}`));
      const wantD = nhwc(ref(`deltas.${i}`));
      const eL = relError(l.dataSync(), wantL.dataSync());
      const eD = relError(deltas[i].dataSync(), wantD.dataSync());
      console.log(`RPN level ${i}: objectness ${eL.toExponential(2)}, deltas ${eD.toExponential(2)}`);
      expect(eL).toBeLessThan(TOL);
      expect(eD).toBeLessThan(TOL);
      tf.dispose([wantL, wantD]);
    });
    tf.dispose([...logits, ...deltas]);
    const out = rpn.headOutputs(imageList, features);
    expect(Array.from(out.anchors)).toEqual(Array.from(values('anchors')));
    tf.dispose([out.objectness, out.predBboxDeltas]);
    const proposals = rpn.forward(imageList, features);
    const want = values('proposals');
    expect(proposals.boxes[0].length).toBe(want.length);
    const match = matchBoxes(proposals.boxes[0], null, want, null, 0.999);
    const matched = match.filter((j) => j >= 0).length / match.length;
    console.log(`RPN proposals: ${(100 * matched).toFixed(1)}% of torchvision's ${want.length / 4} matched at IoU ≥ 0.999`);
    expect(matched).toBeGreaterThanOrEqual(0.97);
  });

  it(`box head on fixed proposals: class logits and box regression within ${TOL} of scale`, () => {
    const fixed = values('fixed_proposals');
    const [logits, regression] = model.roiHeads.boxPredictions(features, [fixed], imageList.imageSizes);
    const eL = relError(logits.dataSync(), values('class_logits'));
    const eR = relError(regression.dataSync(), values('box_regression'));
    console.log(`box head (${fixed.length / 4} fixed proposals): class logits ${eL.toExponential(2)}, box regression ${eR.toExponential(2)}`);
    expect(eL).toBeLessThan(TOL);
    expect(eR).toBeLessThan(TOL);
    tf.dispose([logits, regression]);
  });

  it(`mask head on fixed boxes: mask logits within ${TOL} of scale`, () => {
    const boxes = values('mask_boxes');
    const logits = model.roiHeads.maskLogits(features, [boxes], imageList.imageSizes);
    const want = nhwc(ref('mask_logits'));
    const e = relError(logits.dataSync(), want.dataSync());
    console.log(`mask logits (${boxes.length / 4} fixed boxes, ${logits.shape.join('×')}): ${e.toExponential(2)}`);
    expect(logits.shape).toEqual(want.shape);
    expect(e).toBeLessThan(TOL);
    tf.dispose([logits, want]);
  });

  it("postprocess_detections on torchvision's own box predictions gives its RoI-head detections", () => {
    const logits = ref('proposal_class_logits') as tf.Tensor2D;
    const regression = ref('proposal_box_regression') as tf.Tensor2D;
    const [det] = model.roiHeads.postprocessDetections(logits, regression, [values('proposals')], imageList.imageSizes);
    const wantBoxes = values('roi_boxes');
    expect(det.boxes.length).toBe(wantBoxes.length);
    expect(Array.from(det.labels)).toEqual(Array.from(values('roi_labels')));
    const a = canonical(det.boxes, det.scores);
    const b = canonical(wantBoxes, values('roi_scores'));
    expect(maxAbsDiff(a.scores, b.scores)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a.boxes, b.boxes)).toBeLessThan(1e-3);
  });

  it('eval forward: detections (boxes in original pixels, labels, scores, pasted masks) agree; no tensor left behind', () => {
    const image = { data: new Float32Array(H * W * 3), width: W, height: H };
    const x = tf.tidy(() => tf.transpose(ref('x'), [1, 2, 0]));
    image.data.set(x.dataSync());
    x.dispose();
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const [det] = model.forward([image], { maskProbabilities: true });
    const ms = performance.now() - t0;
    expect(tf.memory().numTensors).toBe(before);
    const wantBoxes = values('boxes');
    const wantScores = values('scores');
    const wantLabels = values('labels');
    const wantMasks = values('masks');
    expect(det.height).toBe(H);
    expect(det.width).toBe(W);
    expect(det.masks).toHaveLength(det.labels.length);
    const match = matchBoxes(det.boxes, det.labels, wantBoxes, wantLabels, 0.99);
    let matched = 0;
    let scoreDiff = 0;
    let probDiff = 0;
    let agree = 0;
    match.forEach((j, i) => {
      if (j < 0) return;
      matched++;
      scoreDiff = Math.max(scoreDiff, Math.abs(det.scores[j] - wantScores[i]));
      const want = wantMasks.subarray(i * H * W, (i + 1) * H * W);
      const prob = det.maskProbabilities?.[j] as Float32Array;
      const mask = det.masks?.[j] as Uint8Array;
      probDiff = Math.max(probDiff, maxAbsDiff(prob, want));
      for (let p = 0; p < want.length; p++) if ((want[p] > 0.5 ? 1 : 0) === mask[p]) agree++;
    });
    const share = matched / match.length;
    const pixelAgreement = agree / (matched * H * W);
    console.log(
      `eval forward (${ms.toFixed(0)} ms on wasm): ${det.labels.length} detections vs torchvision's ${match.length}; ${(100 * share).toFixed(1)}% matched (same label, IoU ≥ 0.99); ` +
        `max score diff ${scoreDiff.toExponential(2)}; mask probabilities max diff ${probDiff.toExponential(2)}; binary mask pixels agreeing ${(100 * pixelAgreement).toFixed(4)}%`,
    );
    expect(det.labels.length).toBe(info.detections);
    expect(share).toBeGreaterThanOrEqual(0.95);
    expect(scoreDiff).toBeLessThan(TOL);
    expect(probDiff).toBeLessThan(0.01);
    expect(pixelAgreement).toBeGreaterThan(0.999);
  }, 120_000);
});
