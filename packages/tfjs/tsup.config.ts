import { packageConfig } from '../../tsup.base';

// tfjs-core's gradient definitions ship only as extension-less ESM files that Node cannot load; they are
// bundled here (the bare '@tensorflow/tfjs-core' stays an external peer). They register into tfjs-core's
// global gradient registry, which every copy of tfjs-core shares.
export default packageConfig({ index: 'src/index.ts' }, { noExternal: [/^@tensorflow\/tfjs-core\/dist\//] });
