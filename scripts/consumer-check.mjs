// Consumer check: installs the packed tarballs into an empty project outside the workspace, as a user
// would get them from npm, then imports every package (and subpath) from ESM, requires it from CJS,
// checks both expose the same names, runs each package's consumer smoke test, and type-checks a .ts
// (node16 ESM and CJS) file that uses them. Fails (exit 1) when any package would not work for a user.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, workspacePackages } from './workspace-packages.mjs';

const packages = workspacePackages();
const work = mkdtempSync(join(tmpdir(), 'det-consumer-'));
const packs = join(work, 'packs');
const app = join(work, 'app');
mkdirSync(packs);
mkdirSync(app);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

console.log(`consumer check in ${app}`);
const tarballs = packages.map((p) => run('pnpm', ['pack', '--pack-destination', packs], p.dir).trim().split('\n').pop());
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'det-consumer', private: true, version: '1.0.0' }, null, 2));
// Optional peers that subpaths need (tfjs-core for ./tfjs) come from the registry like a user's would.
const peers = new Set();
// The native tfjs-node bindings cannot install here (their install step downloads libtensorflow): they stay
// optional peers, detected at run time. The cpu backend is installed for the ./tfjs smoke tests.
for (const p of packages) {
  for (const [name, range] of Object.entries(p.pkg.peerDependencies ?? {})) {
    if (!name.startsWith('@tensorflow/tfjs-node')) peers.add(`${name}@${range}`);
    if (name === '@tensorflow/tfjs-core') peers.add(`@tensorflow/tfjs-backend-cpu@${range}`);
  }
}
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...peers], app);

// Every entry point: package root and each subpath export.
const entries = packages.flatMap((p) => [p.name, ...p.subpaths.map((s) => `${p.name}/${s.slice(2)}`)]);

// Per-package smoke tests (packages/<dir>/consumer-smoke.mjs: a default-exported function that receives the
// ESM module namespace and the CJS require result for the package root, and throws on a problem).
const smokes = packages
  .map((p) => ({ name: p.name, file: join(p.dir, 'consumer-smoke.mjs') }))
  .filter((s) => existsSync(s.file));
for (const s of smokes) writeFileSync(join(app, `smoke-${s.name.split('/')[1]}.mjs`), readFileSync(s.file));

writeFileSync(
  join(app, 'check.mjs'),
  `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const entries = ${JSON.stringify(entries)};
const smokes = ${JSON.stringify(smokes.map((s) => s.name))};
let failed = 0;
for (const entry of entries) {
  try {
    const esm = await import(entry);
    const cjs = require(entry);
    const a = Object.keys(esm).filter((k) => k !== 'default' && k !== 'module.exports').sort();
    const b = Object.keys(cjs).filter((k) => k !== 'default' && k !== '__esModule').sort();
    if (a.length === 0) throw new Error('no exports');
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('ESM and CJS exports differ: ' + a.join(',') + ' vs ' + b.join(','));
    console.log('ok   import+require ' + entry + ' (' + a.length + ' exports)');
  } catch (e) {
    failed++;
    console.log('FAIL import+require ' + entry + ': ' + (e && e.stack || e));
  }
}
for (const name of smokes) {
  try {
    const smoke = (await import('./smoke-' + name.split('/')[1] + '.mjs')).default;
    await smoke(await import(name), require(name));
    console.log('ok   smoke ' + name);
  } catch (e) {
    failed++;
    console.log('FAIL smoke ' + name + ': ' + (e && e.stack || e));
  }
}
process.exitCode = failed ? 1 : 0;
`,
);
let failed = 0;
try {
  console.log(run('node', ['check.mjs'], app));
} catch (e) {
  console.log(e.stdout ?? '');
  failed++;
}

// Type-check a .mts (ESM) and a .cts (CJS) consumer under node16 resolution, with the workspace's tsc.
const tsImports = entries.map((e, i) => `import * as m${i} from '${e}';`).join('\n');
const tsUse = `export const names = [${entries.map((_, i) => `Object.keys(m${i})`).join(', ')}];`;
const typed = existsSync(join(app, 'node_modules', '@det', 'anchors'))
  ? `
import { defaultBoxes, SSD300_VOC, type DefaultBoxConfig } from '@det/anchors';
import { boxIou, toCorners } from '@det/boxes';
import type { Detections, GroundTruth } from '@det/core';
const config: DefaultBoxConfig = { ...SSD300_VOC, clip: false };
const priors: Float32Array = defaultBoxes(config);
const iou: Float32Array = boxIou(toCorners(priors), new Float32Array([0, 0, 0.5, 0.5]));
export const gt: GroundTruth = { boxes: new Float32Array(4), labels: new Int32Array(1), difficult: new Uint8Array(1) };
export const dets: Detections = { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
export const n: number = iou.length;
`
  : '';
writeFileSync(join(app, 'use.mts'), `${tsImports}\n${tsUse}\n${typed}`);
writeFileSync(join(app, 'use.cts'), `${tsImports}\n${tsUse}\n${typed}`);
writeFileSync(
  join(app, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false },
    files: ['use.mts', 'use.cts'],
  }),
);
try {
  run('node', [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app);
  console.log('ok   type-check use.mts (ESM) and use.cts (CJS), node16 resolution');
} catch (e) {
  console.log(`FAIL type-check:\n${e.stdout ?? e}`);
  failed++;
}

// The det bin as installed.
if (packages.some((p) => p.name === '@det/cli')) {
  try {
    const out = run(join(app, 'node_modules', '.bin', 'det'), ['anchors', '--preset', 'SSD7', '--json'], app);
    if (JSON.parse(out).total !== 7160) throw new Error(`unexpected output ${out}`);
    console.log('ok   det bin runs (det anchors --preset SSD7)');
  } catch (e) {
    console.log(`FAIL det bin: ${e.stdout ?? e}`);
    failed++;
  }
}
console.log(failed === 0 ? `consumer check: ${entries.length} entry points work from ESM, CJS and TypeScript` : 'consumer check FAILED');
process.exitCode = failed === 0 ? 0 : 1;
