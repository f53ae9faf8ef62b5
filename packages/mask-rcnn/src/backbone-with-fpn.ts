import { type NormLayer, type ResNet, resnet18, resnet34, resnet50, resnet101 } from '@det/backbones';
import { InvalidConfigError } from '@det/core';
import { type AnyModule, Module, setTrainableLayers } from '@det/nn';
import type { tf } from '@det/tfjs';
import type { NormLayerKind } from './conv-norm-activation';
import type { FeatureDict } from './feature-dict';
import { type ExtraFPNBlock, FeaturePyramidNetwork, LastLevelMaxPool } from './feature-pyramid-network';
import { IntermediateLayerGetter } from './intermediate-layer-getter';

/**
 * torchvision `BackboneWithFPN`: `body` (an {@link IntermediateLayerGetter} over a backbone) and `fpn`
 * (a {@link FeaturePyramidNetwork}). `forward(x NHWC [N, H, W, 3])` → {@link FeatureDict} with `outChannels` channels
 * per level ('0' … '3', 'pool' for the ResNet-50-FPN: strides 4, 8, 16, 32, 64).
 */
export class BackboneWithFPN extends Module<[tf.Tensor], FeatureDict> {
  static override readonly torchName: string = 'BackboneWithFPN';
  readonly outChannels: number;

  constructor(
    backbone: AnyModule,
    returnLayers: Record<string, string>,
    inChannelsList: readonly number[],
    outChannels: number,
    { extraBlocks, normLayer = null }: { extraBlocks?: ExtraFPNBlock | null; normLayer?: NormLayerKind } = {},
  ) {
    super();
    this.registerModule('body', new IntermediateLayerGetter(backbone, returnLayers));
    this.registerModule('fpn', new FeaturePyramidNetwork(inChannelsList, outChannels, { extraBlocks: extraBlocks === undefined ? new LastLevelMaxPool() : extraBlocks, normLayer }));
    this.outChannels = outChannels;
  }

  forward(x: tf.Tensor): FeatureDict {
    const body = this.get<IntermediateLayerGetter>('body').forward(x);
    try {
      return this.get<FeaturePyramidNetwork>('fpn').forward(body);
    } finally {
      for (const t of Object.values(body)) t.dispose();
    }
  }
}

/** Layers a ResNet-FPN can return (torchvision's `returned_layers`: 1 = layer1 … 4 = layer4). */
export type ReturnedLayer = 1 | 2 | 3 | 4;

export interface ResnetFpnExtractorOptions {
  /** Default [1, 2, 3, 4]. */
  returnedLayers?: readonly ReturnedLayer[];
  /** Default: a {@link LastLevelMaxPool} ('pool' level); null for none. */
  extraBlocks?: ExtraFPNBlock | null;
  /** Norm layer inside the FPN blocks. Default null (none). */
  normLayer?: NormLayerKind;
  /** FPN channels (BackboneWithFPN's `out_channels`, which torchvision's extractor fixes at 256). Default 256. */
  outChannels?: number;
}

/**
 * The checks of torchvision's `_resnet_fpn_extractor` on its arguments, made before anything is built (so a bad
 * option leaves no ResNet behind): trainable layers an integer in [0, 5], returned layers a non-empty list of 1–4.
 */
export function checkResnetFpnOptions(trainableLayers: number, returnedLayers: readonly number[]): void {
  if (!Number.isInteger(trainableLayers) || trainableLayers < 0 || trainableLayers > 5) {
    throw new InvalidConfigError(`Trainable layers should be in the range [0,5], got ${trainableLayers}`, { field: 'trainableLayers', expected: 'an integer in [0, 5]', received: trainableLayers });
  }
  if (!Array.isArray(returnedLayers) || returnedLayers.length === 0 || returnedLayers.some((l) => !Number.isInteger(l) || l <= 0 || l >= 5)) {
    throw new InvalidConfigError(`Each returned layer should be in the range [1,4]. Got ${returnedLayers}`, { field: 'returnedLayers', expected: 'integers in [1, 4]', received: returnedLayers });
  }
}

/**
 * torchvision `_resnet_fpn_extractor`: freezes every parameter of `backbone` outside the last `trainableLayers` of
 * layer4, layer3, layer2, layer1, conv1 (+ bn1 at 5; 0 freezes all), then wraps the returned layers in an
 * {@link IntermediateLayerGetter} (names '0', '1', … in order) and adds an FPN (256 channels unless `outChannels`).
 * Takes ownership of `backbone`.
 */
export function resnetFpnExtractor(backbone: ResNet, trainableLayers: number, { returnedLayers = [1, 2, 3, 4], extraBlocks, normLayer = null, outChannels = 256 }: ResnetFpnExtractorOptions = {}): BackboneWithFPN {
  checkResnetFpnOptions(trainableLayers, returnedLayers);
  setTrainableLayers(backbone, trainableLayers);
  const returnLayers: Record<string, string> = {};
  returnedLayers.forEach((k, v) => {
    returnLayers[`layer${k}`] = String(v);
  });
  const inChannelsList = returnedLayers.map((k) => backbone.featureMaps[k - 1].channels);
  return new BackboneWithFPN(backbone, returnLayers, inChannelsList, outChannels, { extraBlocks, normLayer });
}

/** ResNets `resnetFpnBackbone` can build. */
export type ResnetName = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101';

const RESNETS: Record<ResnetName, typeof resnet50> = { resnet18, resnet34, resnet50, resnet101 };

/** The names `resnetFpnBackbone` accepts. */
export const RESNET_NAMES = Object.keys(RESNETS) as readonly ResnetName[];

export interface ResnetFpnBackboneOptions extends ResnetFpnExtractorOptions {
  /** Layers left trainable, 0–5 (see {@link resnetFpnExtractor}). Default 3. */
  trainableLayers?: number;
  /** The ResNet's norm layer: 'frozen' (FrozenBatchNorm2d, torchvision's default here) or 'batchnorm'. */
  resnetNormLayer?: NormLayer;
}

/**
 * torchvision `resnet_fpn_backbone(backbone_name, weights=None, norm_layer=FrozenBatchNorm2d, trainable_layers=3,
 * returned_layers, extra_blocks)`: a torchvision ResNet (@det/backbones, random weights — load a state dict by key)
 * turned into a {@link BackboneWithFPN} (256 channels unless `outChannels`). State-dict keys are torchvision's
 * (`body.layer1.0.conv1.weight`, `fpn.inner_blocks.0.0.weight`, …).
 */
export function resnetFpnBackbone(name: ResnetName, { trainableLayers = 3, resnetNormLayer = 'frozen', ...rest }: ResnetFpnBackboneOptions = {}): BackboneWithFPN {
  const build = RESNETS[name];
  if (build === undefined) throw new InvalidConfigError('unknown ResNet', { field: 'name', expected: RESNET_NAMES.join(', '), received: name });
  checkResnetFpnOptions(trainableLayers, rest.returnedLayers ?? [1, 2, 3, 4]);
  return resnetFpnExtractor(build({ includeTop: false, normLayer: resnetNormLayer }), trainableLayers, rest);
}

/**
 * torchvision `_validate_trainable_layers(is_trained, trainable_backbone_layers, max_value, default_value)`: without
 * pretrained weights every layer trains (a given value is ignored, with a warning, as torchvision does); otherwise
 * the given value or `defaultValue`, checked against [0, maxValue].
 */
export function validateTrainableLayers(isTrained: boolean, trainableBackboneLayers: number | undefined, maxValue: number, defaultValue: number): number {
  let layers = trainableBackboneLayers;
  if (!isTrained) {
    if (layers !== undefined) {
      console.warn(
        `Changing trainable_backbone_layers has not effect if neither pretrained nor pretrained_backbone have been set to True, falling back to trainable_backbone_layers=${maxValue} so that all layers are trainable`,
      );
    }
    layers = maxValue;
  }
  layers ??= defaultValue;
  if (!Number.isInteger(layers) || layers < 0 || layers > maxValue) {
    throw new InvalidConfigError(`Trainable backbone layers should be in the range [0,${maxValue}], got ${layers}`, {
      field: 'trainableBackboneLayers',
      expected: `an integer in [0, ${maxValue}]`,
      received: layers,
    });
  }
  return layers;
}
