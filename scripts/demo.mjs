// `pnpm demo`: the main job. For now the default-box inspector on the SSD presets (the SSD train/evaluate
// demo replaces this when the SSD family lands). Writes PNGs under out/.
import { mkdirSync } from 'node:fs';
import { main } from '../packages/cli/dist/index.js';

mkdirSync('out', { recursive: true });
let code = 0;
for (const preset of ['SSD300_VOC', 'SSD7']) {
  code ||= await main(['anchors', '--preset', preset, '--out', `out/anchors-${preset}.png`]);
  console.log('');
}
process.exitCode = code;
