// File-system helpers for checkpoints and plots: writes that are fsynced, and atomic replacement by rename.

/** Writes `data` to `path` and fsyncs it (no rename: for files inside a folder that is itself renamed into place). */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Fsyncs a folder so that renames inside it persist (best effort: not every platform can open a folder). */
export async function syncDir(dir: string): Promise<void> {
  const { open } = await import('node:fs/promises');
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* not supported here */
  }
}

/** A name for a temporary sibling that no other writer uses. */
export function tempSuffix(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same folder, fsynced, renamed over `path`, then the
 * folder fsynced. Readers see the old content or the new one, never a partial file.
 */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  const { rename, unlink } = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${tempSuffix()}`);
  try {
    await writeFileSynced(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncDir(dirname(path));
}
