import { decodeBoxes, encodeBoxes } from './encode';
import { type CodecOptions, resolveCodecOptions } from './options';

/** An encoder/decoder pair bound to one set of means/stds. */
export interface BoxCoder {
  readonly options: Required<CodecOptions>;
  encode(matched: ArrayLike<number>, priors: ArrayLike<number>): Float32Array;
  decode(loc: ArrayLike<number>, priors: ArrayLike<number>): Float32Array;
}

/** Binds {@link encodeBoxes}/{@link decodeBoxes} to options (checked once). */
export function createBoxCoder(options: CodecOptions = {}): BoxCoder {
  const resolved = resolveCodecOptions(options);
  return {
    options: resolved,
    encode: (matched, priors) => encodeBoxes(matched, priors, resolved),
    decode: (loc, priors) => decodeBoxes(loc, priors, resolved),
  };
}
