import { defineConfig, type Options } from 'tsup';

/**
 * The one build recipe every @det package uses: ESM (.js) + CJS (.cjs) + types (.d.ts/.d.cts),
 * node20 target, sourcemaps, workspace deps kept external.
 * `entry` maps output names to sources, e.g. `{ index: 'src/index.ts', tfjs: 'src/tfjs/index.ts' }`.
 */
export function packageConfig(entry: Record<string, string>, extra: Partial<Options> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
