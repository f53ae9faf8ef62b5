import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of sibling packages, not their dist builds.
    alias: [
      { find: /^@det\/([a-z-]+)\/tfjs$/, replacement: `${packages}$1/src/tfjs/index.ts` },
      { find: /^@det\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    benchmark: { include: ['packages/*/src/**/*.bench.ts'] },
    // tfjs-core's gradient modules are extension-less ESM that Node cannot load; vite transforms them
    // (the packaged @det/tfjs bundles them instead).
    server: { deps: { inline: [/@tensorflow\/tfjs-core\/dist\/(?!tf-core)/] } },
  },
});
