import { BatchNorm2d, Conv2d, Dropout, ReLU, Sequential } from '@det/nn';

/**
 * torchvision `FCNHead(inChannels, channels)` (a Sequential): Conv 3×3 → in/4 (no bias), BatchNorm, ReLU, Dropout(0.1),
 * Conv 1×1 → channels. NHWC [N, H, W, in] → [N, H, W, channels]. PSPNet's heads use other `hidden` widths.
 */
export class FCNHead extends Sequential {
  constructor(inChannels: number, channels: number, { hidden = inChannels >> 2, dropout = 0.1 }: { hidden?: number; dropout?: number } = {}) {
    super(new Conv2d(inChannels, hidden, 3, { padding: 1, bias: false }), new BatchNorm2d(hidden), new ReLU(), new Dropout(dropout), new Conv2d(hidden, channels, 1));
  }

  override typeName(): string {
    return 'FCNHead';
  }
}

/** `new FCNHead(...)` as a function. */
export const fcnHead = (inChannels: number, channels: number, options?: { hidden?: number; dropout?: number }) => new FCNHead(inChannels, channels, options);
