#!/usr/bin/env node
// Runs a TypeScript entry point without type-checking it: esbuild bundles the project's own modules into one
// CommonJS file under .build/ (dependencies stay in node_modules) and node runs it. The bundle is rebuilt only when
// one of the files it was built from is newer than it. Type-checking is the test command's job; doing it here would
// make every synth several times slower.
'use strict';
const fs = require('fs');
const path = require('path');

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.js <entry.ts>');
  process.exit(2);
}

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, '.build', `${path.basename(entry, '.ts')}.js`);
const inputsFile = `${outfile}.inputs.json`;

function isFresh() {
  try {
    const built = fs.statSync(outfile).mtimeMs;
    const inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
    return inputs.every(input => fs.statSync(path.resolve(root, input)).mtimeMs < built);
  } catch {
    return false;
  }
}

if (!isFresh()) {
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [path.resolve(entry)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    metafile: true,
    logLevel: 'error',
  });
  fs.writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
}
// The entry sees its own arguments at process.argv[2] onwards, as if node had run it directly.
process.argv = [process.argv[0], outfile, ...process.argv.slice(3)];
require(outfile);
