#!/usr/bin/env bash
# Creates packages/<name> with the shared layout: package.json (ESM+CJS+types exports), tsup and
# tsconfig, src/index.ts, README. Usage: scripts/new-package.sh <name> "<description>" [--tfjs]
set -euo pipefail
name=$1; desc=$2; tfjs=${3:-}
dir=packages/$name
mkdir -p "$dir/src"
node - "$name" "$desc" "$tfjs" <<'JS'
const fs = require('node:fs');
const [name, desc, tfjs] = process.argv.slice(2);
const dir = `packages/${name}`;
const entry = (n) => ({
  import: { types: `./dist/${n}.d.ts`, default: `./dist/${n}.js` },
  require: { types: `./dist/${n}.d.cts`, default: `./dist/${n}.cjs` },
});
const exports = { '.': entry('index') };
if (tfjs) exports['./tfjs'] = entry('tfjs');
exports['./package.json'] = './package.json';
const pkg = {
  name: `@det/${name}`,
  version: '0.0.0',
  description: desc,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  exports,
  files: ['dist', 'README.md', 'CHANGELOG.md'],
  engines: { node: '>=20.19' },
  repository: { type: 'git', url: 'git+https://example.invalid/det.git', directory: dir },
  keywords: ['object-detection', 'tensorflow.js', 'ssd', 'computer-vision'],
  publishConfig: { access: 'public' },
  scripts: { build: 'tsup', typecheck: 'tsc --noEmit -p tsconfig.json' },
  dependencies: {},
};
fs.writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
const entries = tfjs ? "{ index: 'src/index.ts', tfjs: 'src/tfjs/index.ts' }" : "{ index: 'src/index.ts' }";
fs.writeFileSync(`${dir}/tsup.config.ts`, `import { packageConfig } from '../../tsup.base';\n\nexport default packageConfig(${entries});\n`);
fs.writeFileSync(`${dir}/tsconfig.json`, `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'] }, null, 2)}\n`);
JS
