import { packageConfig } from '../../tsup.base';

export default packageConfig({ index: 'src/index.ts', tfjs: 'src/tfjs/index.ts' });
