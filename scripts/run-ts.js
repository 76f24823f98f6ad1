#!/usr/bin/env node
// Runs a TypeScript entry point without type-checking it: esbuild bundles it, with the project's modules and its
// dependencies, into one CommonJS file under .build/, and node runs it. One file loads much faster than hundreds of
// modules resolved one by one. The bundle is rebuilt only when one of the project's files it was built from, or the
// installed dependencies (node_modules/.package-lock.json), is newer than it. Type-checking is the test command's
// job; doing it here would make every synth several times slower.
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

/** What the bundle's freshness is judged by: the project's own inputs, and one file npm rewrites on every install. */
function inputsToWatch(metafile) {
  const own = Object.keys(metafile.inputs).filter(input => !input.startsWith('node_modules/'));
  return [...own, 'node_modules/.package-lock.json'];
}

if (!isFresh()) {
  const result = require('esbuild').buildSync({
    absWorkingDir: root,
    entryPoints: [path.resolve(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  });
  fs.writeFileSync(inputsFile, JSON.stringify(inputsToWatch(result.metafile)));
}
// The entry sees its own arguments at process.argv[2] onwards, as if node had run it directly.
process.argv = [process.argv[0], outfile, ...process.argv.slice(3)];
require(outfile);
