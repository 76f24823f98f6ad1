import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'fs';
import { basename, dirname, join, resolve } from 'path';

/**
 * Replaces the directory `dest` with a copy of `source`, so that readers see either the old tree or the new one and
 * never an empty or half-written one. The copy is made beside `dest` (same filesystem), then swapped in by rename.
 */
export function publishDirectory(source: string, dest: string): void {
  const target = resolve(dest);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });

  const incoming = mkdtempSync(join(parent, `.${basename(target)}.incoming-`));
  try {
    cpSync(source, incoming, { recursive: true });
  } catch (err) {
    rmSync(incoming, { recursive: true, force: true });
    throw err;
  }

  if (!existsSync(target)) {
    renameSync(incoming, target);
    return;
  }

  const previous = `${incoming.replace('.incoming-', '.previous-')}`;
  renameSync(target, previous);
  try {
    renameSync(incoming, target);
  } catch (err) {
    renameSync(previous, target);
    rmSync(incoming, { recursive: true, force: true });
    throw err;
  }
  rmSync(previous, { recursive: true, force: true });
}
