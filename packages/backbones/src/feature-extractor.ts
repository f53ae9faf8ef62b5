import type { tf } from '@det/tfjs';

/** One feature map a backbone offers to a detection or segmentation head. */
export interface FeatureSource {
  /** Module path whose output this is, e.g. `layer3` (ResNet), `features.22` (VGG conv4_3's ReLU). */
  readonly name: string;
  /** Channels of the map (NHWC last axis). */
  readonly channels: number;
  /** Input pixels per map cell (an input of H×W gives a map of about H/stride × W/stride). */
  readonly stride: number;
}

/**
 * A backbone usable by the model families: a module whose `forwardFeatures(x)` maps an NHWC image batch
 * [N, H, W, 3] to the feature maps named by `featureMaps`, in that order, each [N, Hi, Wi, channels_i].
 */
export interface FeatureExtractor {
  readonly featureMaps: readonly FeatureSource[];
  forwardFeatures(x: tf.Tensor4D): tf.Tensor4D[];
}
