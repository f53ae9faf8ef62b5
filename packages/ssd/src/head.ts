import { ShapeMismatchError } from '@det/core';
import { Conv2d, Module, ModuleList } from '@det/nn';
import { tf } from '@det/tfjs';

/**
 * One 3×3 conv per source map, its outputs flattened and concatenated (torchvision `SSDScoringHead`):
 * map i [N, Hi, Wi, Ci] → conv → [N, Hi, Wi, Ai·K] → [N, Hi·Wi·Ai, K], concatenated over maps → [N, P, K].
 * Row order is map, row, column, box — the order of @det/anchors' `defaultBoxes` (and ssd.pytorch's
 * `permute(0, 2, 3, 1)`), so row p scores default box p. Child: `module_list`.
 */
export class SSDScoringHead extends Module<[tf.Tensor4D[]], tf.Tensor3D> {
  readonly numColumns: number;

  constructor(inChannels: readonly number[], boxesPerLocation: readonly number[], numColumns: number) {
    super();
    if (inChannels.length !== boxesPerLocation.length) {
      throw new ShapeMismatchError('one box count per source map is needed', {
        field: 'boxesPerLocation',
        expected: `${inChannels.length} entries`,
        received: boxesPerLocation.length,
      });
    }
    this.numColumns = numColumns;
    this.registerModule('module_list', new ModuleList(inChannels.map((c, i) => new Conv2d(c, boxesPerLocation[i] * numColumns, 3, { padding: 1 }))));
  }

  forward(features: tf.Tensor4D[]): tf.Tensor3D {
    const convs = this.get<ModuleList>('module_list').children();
    if (features.length !== convs.length) {
      throw new ShapeMismatchError('wrong number of feature maps for the head', { field: 'features', expected: `${convs.length} maps`, received: features.length });
    }
    return tf.tidy(() => {
      const parts = features.map((f, i) => {
        const y = convs[i].forward(f) as tf.Tensor4D;
        return tf.reshape(y, [y.shape[0], -1, this.numColumns]);
      });
      return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor3D;
    });
  }

  override extraRepr(): string {
    return '';
  }
}

/** torchvision `SSDHead`: `classification_head` (K = numClasses with background 0) and `regression_head` (K = 4). */
export class SSDHead extends Module<[tf.Tensor4D[]], { loc: tf.Tensor3D; conf: tf.Tensor3D }> {
  constructor(inChannels: readonly number[], boxesPerLocation: readonly number[], numClasses: number) {
    super();
    this.registerModule('classification_head', new SSDScoringHead(inChannels, boxesPerLocation, numClasses));
    this.registerModule('regression_head', new SSDScoringHead(inChannels, boxesPerLocation, 4));
  }

  /** features → `loc` [N, P, 4] encoded offsets, `conf` [N, P, C] logits. */
  forward(features: tf.Tensor4D[]): { loc: tf.Tensor3D; conf: tf.Tensor3D } {
    return {
      loc: this.get<SSDScoringHead>('regression_head').forward(features),
      conf: this.get<SSDScoringHead>('classification_head').forward(features),
    };
  }
}
