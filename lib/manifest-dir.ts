import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from './manifest-checks';

/** One object of a manifest directory and the file it came from. */
export interface ManifestEntry {
  readonly file: string;
  readonly object: Manifest;
}

/**
 * Reads a directory of manifests in the order `kubectl apply -f <dir>` applies them: files in lexical order, the
 * documents of a file in file order. Subdirectories are not read, as kubectl does without `-R`.
 */
export function readManifestDir(dir: string): ManifestEntry[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter(entry => entry.isFile() && /\.(ya?ml|json)$/.test(entry.name))
    .map(entry => entry.name)
    .sort()
    .flatMap(file => parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
      .map(doc => doc.toJS() as Manifest | null)
      .filter((object): object is Manifest => object !== null)
      .map(object => ({ file, object })));
}
