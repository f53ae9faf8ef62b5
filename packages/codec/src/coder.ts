import { decodeBoxes, encodeBoxes } from './encode';
import { type CodecOptions, type ResolvedCodecOptions, resolveCodecOptions } from './options';

/** An encoder/decoder pair bound to one set of means/stds (torchvision's `BoxCoder`, MMDetection's `DeltaXYWHBBoxCoder`). */
export interface BoxCoder {
  /** The options in use, defaults applied. */
  readonly options: ResolvedCodecOptions;
  /** {@link encodeBoxes}: matched [P*4] xyxy, priors [P*4] cxcywh → offsets [P*4]. */
  encode(matched: ArrayLike<number>, priors: ArrayLike<number>): Float32Array;
  /** {@link decodeBoxes}: offsets [B*P*4], priors [P*4] cxcywh → boxes [B*P*4] xyxy. */
  decode(loc: ArrayLike<number>, priors: ArrayLike<number>): Float32Array;
}

/**
 * Binds {@link encodeBoxes} and {@link decodeBoxes} to `options` (`{ means = [0,0,0,0], stds = [0.1,0.1,0.2,0.2],
 * clampLogSize }`), checked once here: a bad option throws InvalidConfigError now, not at the first call.
 */
export function createBoxCoder(options: CodecOptions = {}): BoxCoder {
  const resolved = resolveCodecOptions(options);
  return {
    options: resolved,
    encode: (matched, priors) => encodeBoxes(matched, priors, resolved),
    decode: (loc, priors) => decodeBoxes(loc, priors, resolved),
  };
}
