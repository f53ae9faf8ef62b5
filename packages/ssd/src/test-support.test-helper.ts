import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's python with torch and torchvision (the pyenv python3 on PATH has neither). */
export const PYTHON = process.env.DET_TORCH_PYTHON ?? '/usr/bin/python3';

/** Whether `PYTHON` can import torchvision (cached). */
let available: boolean | undefined;
export function hasTorchvision(): boolean {
  if (available === undefined) {
    available = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torchvision'], { stdio: 'ignore' }).status === 0;
    if (!available) console.warn(`[@det/ssd tests] ${PYTHON} with torchvision not found: torchvision parity tests are skipped (apt-get install python3-torchvision)`);
  }
  return available;
}

/** Runs scripts/fixtures/<script> with `args` into a fresh temp dir and returns the dir. */
export function generateReference(script: string, args: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'det-ssd-ref-'));
  const path = new URL(`../../../scripts/fixtures/${script}`, import.meta.url).pathname;
  const r = spawnSync(PYTHON, [path, dir, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return dir;
}
