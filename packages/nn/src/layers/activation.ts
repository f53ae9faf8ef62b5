import { tf } from '@det/tfjs';
import { Module } from '../module';

/** max(0, x), elementwise. `inplace` only changes the printout (tfjs tensors are immutable), as in PyTorch's repr. */
export class ReLU extends Module {
  static override readonly torchName = 'ReLU';
  readonly inplace: boolean;

  constructor(inplace: boolean | { inplace?: boolean } = false) {
    super();
    this.inplace = typeof inplace === 'boolean' ? inplace : (inplace.inplace ?? false);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** Returns its input unchanged (a placeholder after model surgery, e.g. a removed classifier). */
export class Identity extends Module {
  static override readonly torchName = 'Identity';

  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}
