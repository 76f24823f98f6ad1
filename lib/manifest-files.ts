import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { Manifest } from './schema-problems';

/** The file name endings `kubectl apply -f <dir>` reads; it skips every other file. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.json', '.yaml', '.yml'];

/** One object of a manifest directory and where it came from. */
export interface ManifestEntry {
  /** Path of the file relative to the directory read, with `/` separators, such as `0001-coder.k8s.yaml`. */
  readonly file: string;
  readonly object: Manifest;
}

export interface ReadManifestOptions {
  /**
   * Descend into subdirectories, as `kubectl apply -R -f <dir>` does.
   *
   * @default false
   */
  readonly recursive?: boolean;
}

/**
 * Reads a directory of manifests the way `kubectl apply -f <dir>` does: the files whose names end in .json, .yaml or
 * .yml, in lexical order (a subdirectory's files where the subdirectory sorts, with `recursive`), and the documents of
 * each file in order. Empty documents are skipped.
 *
 * @throws Error naming the file and line of the first YAML syntax error
 */
export function readManifestDir(dir: string, options: ReadManifestOptions = {}): ManifestEntry[] {
  return readRelative(dir, '', options.recursive ?? false);
}

function readRelative(root: string, relative: string, recursive: boolean): ManifestEntry[] {
  const entries = readdirSync(join(root, relative), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );

  const out: ManifestEntry[] = [];
  for (const entry of entries) {
    const file = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (recursive) {
        out.push(...readRelative(root, file, recursive));
      }
    } else if (MANIFEST_EXTENSIONS.some(ext => entry.name.endsWith(ext))) {
      out.push(...readManifestFile(root, file));
    }
  }
  return out;
}

function readManifestFile(root: string, file: string): ManifestEntry[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(readFileSync(join(root, file), 'utf8'), { lineCounter, prettyErrors: false });
  const out: ManifestEntry[] = [];
  for (const document of Array.isArray(documents) ? documents : [documents]) {
    const [error] = document.errors;
    if (error) {
      throw new Error(`${file}: not valid YAML at line ${lineCounter.linePos(error.pos[0]).line}: ${error.message}`);
    }
    const object = document.toJS();
    if (object !== null && object !== undefined) {
      out.push({ file, object });
    }
  }
  return out;
}
