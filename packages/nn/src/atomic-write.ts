/**
 * Writes `data` to `path` atomically: a temporary file in the same folder is written and fsynced, then renamed
 * over `path` (atomic on POSIX file systems), then the folder is fsynced. A crash leaves either the old file or
 * the new one, never a partial one; the temporary file is removed on failure.
 */
export async function atomicWriteFile(path: string, data: Uint8Array | string): Promise<void> {
  const { open, rename, unlink } = await import('node:fs/promises');
  const { dirname, basename, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  // Persist the rename itself (best effort: some platforms cannot open a directory).
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
