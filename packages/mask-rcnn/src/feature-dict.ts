import type { tf } from '@det/tfjs';

/**
 * Named feature maps in order (torchvision's `OrderedDict[str, Tensor]`), each NHWC [N, H, W, C]. Keys are the
 * level names: '0', '1', '2', '3', 'pool' for the ResNet-FPN (strides 4, 8, 16, 32, 64). A plain object, so it can
 * be returned from `tf.tidy`; its key order is the level order (torchvision's names are integers in increasing
 * order, then the extra levels). Dispose with `tf.dispose(Object.values(features))`.
 */
export type FeatureDict = Record<string, tf.Tensor4D>;
