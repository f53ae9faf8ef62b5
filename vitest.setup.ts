// Loads tfjs-core's ESM entry in every test process. vitest inlines tfjs-core's extension-less gradient modules (see
// server.deps.inline) which @det/tfjs registers; without the entry loaded first those modules run on a Tensor class
// whose op handler is unset, and gradients such as GatherV2's or AddN's fail under vitest only (plain Node loads
// @det/tfjs's bundle, where this cannot happen; the packages' consumer check runs that path).
import '@tensorflow/tfjs-core';
