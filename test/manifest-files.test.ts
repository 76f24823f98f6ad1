import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { readManifestDir } from '../lib/manifest-files';
import { tempDir } from './support';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('readManifestDir', () => {
  test('reads like kubectl apply -f: .json/.yaml/.yml files in lexical order, documents in file order', () => {
    // GIVEN
    const dir = tempDir();
    writeFileSync(join(dir, 'b.yaml'), `${configMap('b1')}---\n${configMap('b2')}`);
    writeFileSync(join(dir, 'a.yml'), configMap('a'));
    const json = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    writeFileSync(join(dir, 'c.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'README.md'), '# not a manifest');
    writeFileSync(join(dir, '0-empty.yaml'), '---\n# only a comment\n---\n');

    // WHEN
    const entries = readManifestDir(dir);

    // THEN
    expect(entries.map(e => [e.file, e.object.metadata.name])).toEqual([
      ['a.yml', 'a'],
      ['b.yaml', 'b1'],
      ['b.yaml', 'b2'],
      ['c.json', 'c'],
    ]);
  });

  test('skips subdirectories unless recursive, like kubectl -R, which reads them where they sort', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a.yaml'), configMap('a'));
    writeFileSync(join(dir, 'b', 'x.yaml'), configMap('b-x'));
    writeFileSync(join(dir, 'c.yaml'), configMap('c'));

    expect(readManifestDir(dir).map(e => e.file)).toEqual(['a.yaml', 'c.yaml']);
    expect(readManifestDir(dir, { recursive: true }).map(e => e.file)).toEqual(['a.yaml', 'b/x.yaml', 'c.yaml']);
  });

  test('names the file of a YAML syntax error', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.yaml'), 'metadata: {name: [\n');
    expect(() => readManifestDir(dir)).toThrow(/^broken\.yaml: not valid YAML at line \d+/);
  });
});
