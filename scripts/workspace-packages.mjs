// Lists the publishable workspace packages (packages/*), shared by the check scripts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * `{ dir, name, version, subpaths }` for every packages/<dir>/package.json that is not private.
 * `DET_PACKAGES=core,boxes` limits the list (for local runs while other packages are unbuilt).
 */
export function workspacePackages() {
  const base = join(root, 'packages');
  return readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'package.json')))
    .map((d) => {
      const pkg = JSON.parse(readFileSync(join(base, d, 'package.json'), 'utf8'));
      const subpaths = Object.keys(pkg.exports ?? {}).filter((k) => k !== '.' && k !== './package.json');
      return { dir: join(base, d), name: pkg.name, version: pkg.version, private: pkg.private === true, subpaths, pkg };
    })
    .filter((p) => !p.private)
    .filter((p) => !process.env.DET_PACKAGES || process.env.DET_PACKAGES.split(',').includes(p.name.replace('@det/', '')))
    .sort((a, b) => a.name.localeCompare(b.name));
}
