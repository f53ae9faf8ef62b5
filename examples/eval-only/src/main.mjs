// `pnpm --filter @det-examples/eval-only start [VOC_ROOT]`: scores the stand-in detector on a VOC-format dataset
// (by default a synthetic shapes dataset generated into .tmp/eval-only-shapes).
import { generateShapesDataset } from '@det/voc';
import { noisyOracle, scoreDetector } from './score.mjs';

const classNames = ['circle', 'square', 'triangle'];
let root = process.argv[2];
if (root === undefined) {
  root = '.tmp/eval-only-shapes';
  await generateShapesDataset(root, { images: 60, size: 96, seed: 3, classes: classNames });
}
const { voc07, voc12, coco } = await scoreDetector(root, noisyOracle(), { set: 'trainval', classNames });
for (const c of voc07.perClass) console.log(`${c.className.padEnd(10)} AP07 ${c.ap?.toFixed(4)}  npos ${c.npos}`);
console.log(`mAP (VOC07) ${voc07.mAP.toFixed(4)}   mAP (VOC2010+) ${voc12.mAP.toFixed(4)}   COCO AP ${coco.stats[0].toFixed(4)}  AP50 ${coco.stats[1].toFixed(4)}`);
