// Shared timing helpers for the packages' bench/run.mjs scripts (repo-only, not published).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** Median wall time in ms of `fn` over `reps` runs after `warmup` runs. */
export function timeIt(fn, { warmup = 5, reps = 30 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** Async variant of {@link timeIt}. */
export async function timeItAsync(fn, { warmup = 3, reps = 15 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

/** The Python that has Debian's torch/torchvision, or undefined. */
export function peerPython() {
  const python = process.env.DET_PEER_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return undefined;
  const probe = spawnSync(python, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  return probe.status === 0 ? python : undefined;
}

/**
 * Runs a Python peer script with arguments and parses the JSON it prints last.
 * Returns `{ ok: false, reason }` when the peer cannot run (no torch here), never a made-up figure.
 */
export function runPeer(script, args = []) {
  const python = peerPython();
  if (python === undefined) return { ok: false, reason: 'Python with torch/torchvision not found (apt-get install python3-torchvision)' };
  const run = spawnSync(python, [script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) return { ok: false, reason: `peer failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}` };
  const lines = run.stdout.trim().split('\n');
  return { ok: true, ...JSON.parse(lines[lines.length - 1]) };
}

/**
 * Runs `script --engine ...args` in a fresh Node process (so each engine's peak memory is its own) and parses the JSON
 * it prints last. On failure returns `{ error }`: `errorText(stderr, status)`, by default the last two stderr lines.
 * `env` adds environment variables for the child (e.g. DET_WINOGRAD=0).
 */
export function runEngine(script, args, errorText = (stderr) => stderr.trim().split('\n').slice(-2).join(' '), env = {}) {
  const run = spawnSync(process.execPath, [script, '--engine', ...args.map(String)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    env: { ...process.env, ...env },
  });
  const last = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || !last?.startsWith('{')) return { error: errorText(run.stderr, run.status) };
  return JSON.parse(last);
}

/** Prints a markdown table: header row then rows (arrays of cells). */
export function printTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  console.log(line(header));
  console.log(line(header.map(() => '---')));
  for (const r of rows) console.log(line(r));
}

/** Formats ms with sensible precision. */
export const ms = (v) => (v === undefined ? 'not run' : v < 1 ? v.toFixed(3) : v < 100 ? v.toFixed(2) : v.toFixed(0));

/** "ours / peer" as a ratio string (lower is better for us). */
export const ratio = (ours, peer) => (peer === undefined ? 'n/a' : `${(ours / peer).toFixed(2)}×`);

/** Deterministic PRNG (mulberry32) for benchmark data. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Machine line for benchmark reports. */
export function machine() {
  return `Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores`;
}
