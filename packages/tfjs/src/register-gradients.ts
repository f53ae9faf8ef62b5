// Registers every gradient tfjs-core defines (its `register_all_gradients` module), which the package's
// Node entry point (dist/tf-core.node.js) leaves out. Bundled at build time; see tsup.config.ts.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
