import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorGenerator, defaultAnchorGenerator } from './anchor-generator';
import type { HW } from './anchor-generator';
import { canonical, loadFixtureState, maxAbsDiff, reference, relError, tensorOf } from './fixture.test-helper';
import { RegionProposalNetwork } from './rpn';
import { RPNHead } from './rpn-head';

describe('RegionProposalNetwork vs torchvision [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const ref = reference().rpn;
  const build = () => {
    const head = new RPNHead(4, 3);
    loadFixtureState(head, ref.state);
    const rpn = new RegionProposalNetwork(new AnchorGenerator([16, 32], [0.5, 1, 2]), head, {
      preNmsTopN: { training: 30, testing: ref.preNmsTopN },
      postNmsTopN: { training: 20, testing: ref.postNmsTopN },
    });
    return rpn.eval();
  };

  it("lays out the head's outputs and the anchors as concat_box_prediction_layers does", () => {
    const before = tf.memory().numTensors;
    const rpn = build();
    const features = { '0': tensorOf(ref.features['0']) as tf.Tensor4D, '1': tensorOf(ref.features['1']) as tf.Tensor4D };
    const images = { tensors: tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, imageSizes: ref.imageSizes as HW[] };
    const out = rpn.headOutputs(images, features);
    expect(out.numAnchorsPerLevel).toEqual(ref.numAnchorsPerLevel);
    expect(Array.from(out.anchors)).toEqual(ref.anchors);
    expect(out.objectness.shape).toEqual([2, ref.anchors.length / 4]);
    expect(relError(out.objectness.dataSync(), ref.objectness)).toBeLessThan(1e-5);
    expect(relError(out.predBboxDeltas.dataSync(), ref.deltas)).toBeLessThan(1e-5);
    const proposals = rpn.forward(images, features);
    expect(proposals.boxes.map((b) => b.length)).toEqual(ref.boxes.map((b: number[]) => b.length));
    tf.dispose([out.objectness, out.predBboxDeltas, images.tensors, ...Object.values(features)]);
    rpn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('filters proposals like filter_proposals (top-n per level, clip, min size, NMS per level, top-n)', () => {
    const rpn = build();
    const got = rpn.filterProposals(ref.objectness, ref.deltas, Float32Array.from(ref.anchors), ref.imageSizes, ref.numAnchorsPerLevel);
    got.boxes.forEach((b, i) => {
      expect(b.length).toBe(ref.boxes[i].length);
      // The data has exactly tied scores (locations where the ReLU zeroes every channel), whose order torch.topk leaves open.
      const ours = canonical(b, got.scores[i]);
      const theirs = canonical(Float32Array.from(ref.boxes[i]), Float32Array.from(ref.scores[i]));
      expect(maxAbsDiff(ours.boxes, theirs.boxes)).toBeLessThan(1e-4);
      expect(maxAbsDiff(ours.scores, theirs.scores)).toBeLessThan(1e-6);
    });
    rpn.dispose();
  });

  it("defaults to torchvision's Faster R-CNN anchors: 5 levels × 3 ratios", () => {
    const gen = defaultAnchorGenerator();
    expect(gen.numAnchorsPerLocation()).toEqual([3, 3, 3, 3, 3]);
    expect(Array.from(gen.cellAnchors[0])).toEqual([-23, -11, 23, 11, -16, -16, 16, 16, -11, -23, 11, 23]);
    expect(String(gen)).toBe('AnchorGenerator()');
  });
});
