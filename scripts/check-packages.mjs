// publint and are-the-types-wrong on every package, on the tarball `pnpm pack` produces (what npm users get).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, workspacePackages } from './workspace-packages.mjs';

const packDir = mkdtempSync(join(tmpdir(), 'det-packs-'));
mkdirSync(packDir, { recursive: true });
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const p of workspacePackages()) {
  const tarball = execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: p.dir, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const lint = spawnSync(bin('publint'), ['--strict', '--pack', 'pnpm'], { cwd: p.dir, encoding: 'utf8' });
  const types = spawnSync(bin('attw'), [tarball, '--profile', 'node16', '--format', 'ascii'], { encoding: 'utf8' });
  const ok = lint.status === 0 && types.status === 0;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${p.name}: publint ${lint.status === 0 ? 'clean' : 'failed'}, attw ${types.status === 0 ? 'clean' : 'failed'}`);
  if (lint.status !== 0) console.log(lint.stdout + lint.stderr);
  if (types.status !== 0) console.log(types.stdout + types.stderr);
  if (!ok) failed++;
}
console.log(failed === 0 ? 'package checks: all clean' : `package checks: ${failed} package(s) failed`);
process.exitCode = failed === 0 ? 0 : 1;
