import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
} from 'fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'path';

/** One directory to replace: `dest` becomes a copy of `source`. */
export interface Publication {
  readonly source: string;
  readonly dest: string;
}

/**
 * Refuses an output directory that a swap would destroy something in: one that is a file, or that holds (or is) one
 * of `keep`, such as the environment file being rendered or the working directory.
 *
 * @throws Error naming the directory and what it would replace
 */
export function assertReplaceable(dir: string, keep: readonly string[] = [process.cwd()]): void {
  const target = realPath(dir);
  if (existsSync(target) && !statSync(target).isDirectory()) {
    throw new Error(`output directory ${dir} is an existing file; choose a directory`);
  }
  for (const path of keep) {
    if (contains(target, realPath(path))) {
      throw new Error(`output directory ${dir} would replace ${path}, which it holds; choose a directory of its own`);
    }
  }
}

/**
 * Refuses destinations that are the same directory or lie one inside another: replacing one would replace or
 * remove the other.
 */
export function assertSeparate(dirs: readonly string[]): void {
  const targets = dirs.map(realPath);
  for (const [i, a] of targets.entries()) {
    for (const b of targets.slice(i + 1)) {
      if (contains(a, b) || contains(b, a)) {
        throw new Error(`output directories ${a} and ${b} must be separate, neither inside the other`);
      }
    }
  }
}

/**
 * The absolute path with symbolic links resolved, as far as it exists: an input reached through a link is still
 * recognised inside an output directory.
 */
function realPath(path: string): string {
  const absolute = resolve(path);
  let existing = absolute;
  while (!existsSync(existing) && dirname(existing) !== existing) {
    existing = dirname(existing);
  }
  return join(realpathSync(existing), relative(existing, absolute));
}

/**
 * A fresh, empty directory beside `dest`, on the same filesystem, to render into: {@link publishDirectories} then
 * renames it into place instead of copying it.
 */
export function stagingDirFor(dest: string): string {
  const target = resolve(dest);
  mkdirSync(dirname(target), { recursive: true });
  recoverInterruptedSwap(target);
  return mkdtempSync(join(dirname(target), `.${basename(target)}.incoming-`));
}

/**
 * Cleans up after a run that was killed part way: its staging folders are removed, and if it died between moving
 * the old output aside and moving the new one in, the old output is put back.
 */
function recoverInterruptedSwap(target: string): void {
  const siblings = readdirSync(dirname(target));
  const leftovers = (kind: string) =>
    siblings.filter(name => name.startsWith(`.${basename(target)}.${kind}-`)).map(name => join(dirname(target), name));
  const previous = leftovers('previous');
  if (!existsSync(target) && previous.length > 0) {
    renameSync(previous.pop()!, target);
  }
  removeAll([...previous, ...leftovers('incoming')]);
}

/** Whether `source` is a directory that {@link stagingDirFor} made for `target`. */
function isStagingFor(source: string, target: string): boolean {
  return dirname(source) === dirname(target) && basename(source).startsWith(`.${basename(target)}.incoming-`);
}

/**
 * Replaces the directory `dest` with a copy of `source`, so that readers see either the old tree or the new one and
 * never an empty or half-written one. The copy is made beside `dest` (same filesystem), then swapped in by rename.
 */
export function publishDirectory(source: string, dest: string, keep?: readonly string[]): void {
  publishDirectories([{ source, dest }], keep);
}

/**
 * Replaces several directories together: either every `dest` ends up a copy of its `source`, or every `dest` is
 * left as it was. All copies are made first, beside their destinations; only then are they swapped in by rename,
 * and a failed rename puts back the directories already swapped.
 *
 * @param keep paths no destination may hold, such as the inputs; see {@link assertReplaceable}
 * @throws when two destinations are the same directory or one lies inside another, or a destination is not replaceable
 */
export function publishDirectories(publications: readonly Publication[], keep?: readonly string[]): void {
  for (const publication of publications) {
    assertReplaceable(publication.dest, keep);
  }
  assertSeparate(publications.map(p => p.dest));
  const targets = publications.map(p => resolve(p.dest));

  // A source made by stagingDirFor is renamed into place; any other is copied beside its target first.
  const prepared: { target: string; incoming: string }[] = [];
  const copies: string[] = [];
  try {
    for (const [i, publication] of publications.entries()) {
      const target = targets[i];
      let incoming = resolve(publication.source);
      if (!isStagingFor(incoming, target)) {
        incoming = stagingDirFor(target);
        copies.push(incoming);
        cpSync(publication.source, incoming, { recursive: true });
      }
      prepared.push({ target, incoming });
      // mkdtemp makes the folder private (0700); the published one gets the mode any new folder would get.
      chmodSync(incoming, 0o777 & ~process.umask());
    }
  } catch (err) {
    removeAll(copies);
    throw err;
  }

  const swapped: { target: string; previous?: string }[] = [];
  try {
    for (const { target, incoming } of prepared) {
      const previous = existsSync(target) ? incoming.replace('.incoming-', '.previous-') : undefined;
      if (previous !== undefined) {
        renameSync(target, previous);
      }
      try {
        renameSync(incoming, target);
      } catch (err) {
        if (previous !== undefined) {
          renameSync(previous, target);
        }
        throw err;
      }
      swapped.push({ target, previous });
    }
  } catch (err) {
    for (const { target, previous } of swapped.reverse()) {
      rmSync(target, { recursive: true, force: true });
      if (previous !== undefined) {
        renameSync(previous, target);
      }
    }
    removeAll(copies);
    throw err;
  }

  removeAll(swapped.flatMap(s => (s.previous === undefined ? [] : [s.previous])));
}

/** Whether `inner` is `outer` or lies below it. */
function contains(outer: string, inner: string): boolean {
  const path = relative(outer, inner);
  return !isAbsolute(path) && path !== '..' && !path.startsWith(`..${sep}`);
}

function removeAll(paths: readonly string[]): void {
  for (const path of paths) {
    rmSync(path, { recursive: true, force: true });
  }
}
