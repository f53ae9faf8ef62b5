import { writeFile } from 'node:fs/promises';
import {
  DEFAULT_BOX_PRESETS,
  type DefaultBoxConfig,
  type DefaultBoxPresetName,
  defaultBoxes,
  defaultBoxLayers,
} from '@det/anchors';
import { parseCommandArgs, positiveInteger, stringOption } from '../args';
import { type Command, UsageError } from '../command';
import { renderSvgToPng } from '../render';
import { defaultBoxesSvg } from '../svg/default-boxes-svg';

const usage = `Usage: det anchors [--preset NAME | --config FILE.json] [--out FILE.png] [--size PX] [--json]

Prints the per-layer default-box counts of an SSD configuration and their total, and draws the boxes
of the centre location of every source map (plus the map's centre grid) into a PNG.

  --preset NAME    ${Object.keys(DEFAULT_BOX_PRESETS).join(' | ')} (default SSD300_VOC)
  --config FILE    a JSON DefaultBoxConfig instead of a preset
  --out FILE.png   write the drawing here (default: no drawing)
  --size PX        drawing side in pixels (default 600)
  --json           print the summary as JSON`;

async function loadConfig(preset: string | undefined, configFile: string | undefined): Promise<[string, DefaultBoxConfig]> {
  if (configFile !== undefined) {
    if (preset !== undefined) throw new UsageError('use either --preset or --config, not both');
    const { readFile } = await import('node:fs/promises');
    return [configFile, JSON.parse(await readFile(configFile, 'utf8')) as DefaultBoxConfig];
  }
  const name = preset ?? 'SSD300_VOC';
  if (!(name in DEFAULT_BOX_PRESETS)) {
    throw new UsageError(`unknown preset '${name}'; expected one of ${Object.keys(DEFAULT_BOX_PRESETS).join(', ')}`);
  }
  return [name, DEFAULT_BOX_PRESETS[name as DefaultBoxPresetName]];
}

/** `det anchors`: the default-box inspector. */
export const anchorsCommand: Command = {
  name: 'anchors',
  summary: 'inspect SSD default boxes: per-layer counts, total, and a drawing',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      preset: { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      size: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [name, config] = await loadConfig(stringOption(values, 'preset'), stringOption(values, 'config'));
    const out = stringOption(values, 'out');
    const boxes = defaultBoxes(config);
    const layers = defaultBoxLayers(config);
    const total = boxes.length / 4;
    if (values.json) {
      io.stdout(JSON.stringify({ name, imageSize: config.imageSize, layers, total }));
    } else {
      io.stdout(`${name}: ${config.imageSize}×${config.imageSize} input, ${layers.length} source maps`);
      io.stdout('layer  map      boxes/loc  boxes   first index');
      layers.forEach((l, k) => {
        const map = `${l.featureMap}×${l.featureMap}`;
        io.stdout(`${String(k).padEnd(6)} ${map.padEnd(8)} ${String(l.boxesPerLocation).padEnd(10)} ${String(l.count).padEnd(7)} ${l.offset}`);
      });
      io.stdout(`total  ${total} default boxes`);
    }
    if (out !== undefined) {
      const size = positiveInteger(stringOption(values, 'size'), 'size', 600);
      const svg = defaultBoxesSvg(config, boxes, { size, title: name });
      await writeFile(out, await renderSvgToPng(svg));
      if (!values.json) io.stdout(`wrote ${out}`);
    }
    return 0;
  },
};
