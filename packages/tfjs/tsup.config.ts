import { packageConfig } from '../../tsup.base';
import { tfjsCoreGradients } from './tsup.gradients';

// tfjs-core's gradient definitions ship only as extension-less ESM files that Node cannot load; they are
// bundled here against the peer's public API (see tsup.gradients.ts), so '@tensorflow/tfjs-core' stays one
// external copy. They register into tfjs-core's global gradient registry.
export default packageConfig({ index: 'src/index.ts' }, { noExternal: [/^@tensorflow\/tfjs-core\/dist\//], esbuildPlugins: [tfjsCoreGradients()] });
