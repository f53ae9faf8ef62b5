// An SSD assembled by hand from the @det packages — the seed's "start small, then grow" path:
// a custom base net, default boxes, a head, target encoding, the MultiBox loss, decoding and NMS.
import { boxesPerLocation, defaultBoxes } from '@det/anchors';
import { encodeBatch } from '@det/codec';
import { decodeBoxes } from '@det/codec/tfjs';
import { multiclassNms } from '@det/nms';
import { BatchNorm2d, Conv2d, MaxPool2d, Module, ModuleList, ReLU, Sequential } from '@det/nn';
import { multiBoxLoss } from '@det/ssd';
import { tf } from '@det/tfjs';

/** Default boxes for a 64×64 input: 3 source maps (8×8, 4×4, 2×2), 4 boxes per location. */
export const BOXES = {
  imageSize: 64,
  featureMaps: [8, 4, 2],
  steps: [8, 16, 32],
  minSizes: [10, 22, 40],
  maxSizes: [22, 40, 60],
  aspectRatios: [[2], [2], [2]],
  clip: true,
};

const block = (cin, cout) => [new Conv2d(cin, cout, 3, { padding: 1 }), new BatchNorm2d(cout), new ReLU(true)];

/** A tiny base net: conv-BN-ReLU blocks with 2×2 pools; its last three blocks are the sources. */
class TinyBase extends Module {
  constructor() {
    super();
    this.registerModule('stem', new Sequential(...block(3, 16), new MaxPool2d(2), ...block(16, 32), new MaxPool2d(2), ...block(32, 32), new MaxPool2d(2)));
    this.registerModule('stages', new ModuleList([new Sequential(...block(32, 48)), new Sequential(new MaxPool2d(2), ...block(48, 48)), new Sequential(new MaxPool2d(2), ...block(48, 32))]));
  }

  /** x [N, 64, 64, 3] → maps [N, 8, 8, 48], [N, 4, 4, 48], [N, 2, 2, 32]. */
  forward(x) {
    return tf.tidy(() => {
      let h = this.get('stem').forward(x);
      return this.get('stages').children().map((stage) => {
        h = stage.forward(h);
        return h;
      });
    });
  }
}

/** The detector: base net + one 3×3 loc conv and one conf conv per source map. */
export class TinySsd extends Module {
  constructor(numClasses) {
    super();
    this.numClasses = numClasses; // with background
    this.priors = defaultBoxes(BOXES); // [P*4] cxcywh, normalised
    const perLocation = boxesPerLocation(BOXES);
    const channels = [48, 48, 32];
    this.registerModule('base', new TinyBase());
    this.registerModule('loc', new ModuleList(channels.map((c, i) => new Conv2d(c, perLocation[i] * 4, 3, { padding: 1 }))));
    this.registerModule('conf', new ModuleList(channels.map((c, i) => new Conv2d(c, perLocation[i] * numClasses, 3, { padding: 1 }))));
  }

  /** x [N, 64, 64, 3] → { loc [N, P, 4], conf [N, P, C] } in default-box order. */
  forward(x) {
    return tf.tidy(() => {
      const maps = this.get('base').forward(x);
      const flat = (heads, k) => tf.concat(maps.map((m, i) => tf.reshape(heads[i].forward(m), [x.shape[0], -1, k])), 1);
      return { loc: flat(this.get('loc').children(), 4), conf: flat(this.get('conf').children(), this.numClasses) };
    });
  }

  /** MultiBox loss of a batch; truths: per image { boxes xyxy normalised, labels 0-based }. */
  loss(x, truths) {
    const targets = encodeBatch(truths, this.priors, { threshold: 0.5, numClasses: this.numClasses - 1 });
    return tf.tidy(() => {
      const { loc, conf } = this.forward(x);
      return multiBoxLoss(loc, conf, targets);
    });
  }

  /** Detections per image, boxes xyxy in pixels of a size×size image. */
  detect(x, size, { scoreThreshold = 0.3 } = {}) {
    this.eval();
    const [boxes, scores] = tf.tidy(() => {
      const { loc, conf } = this.forward(x);
      return [decodeBoxes(loc, this.priors), tf.softmax(conf)];
    });
    this.train();
    const b = boxes.dataSync();
    const s = scores.dataSync();
    tf.dispose([boxes, scores]);
    const p = this.priors.length / 4;
    return Array.from({ length: x.shape[0] }, (_, i) => {
      const d = multiclassNms(b.subarray(i * p * 4, (i + 1) * p * 4), s.subarray(i * p * this.numClasses, (i + 1) * p * this.numClasses), { scoreThreshold });
      for (let k = 0; k < d.boxes.length; k++) d.boxes[k] = Math.min(Math.max(d.boxes[k], 0), 1) * size;
      return d;
    });
  }
}
