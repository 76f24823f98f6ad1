#!/usr/bin/env node
// Runs a TypeScript entry point without type-checking it: esbuild bundles the project's own modules into one
// CommonJS file (dependencies stay in node_modules) and node runs it. Type-checking is the test command's job;
// doing it here would make every synth several times slower.
'use strict';
const { buildSync } = require('esbuild');
const path = require('path');

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run-ts.js <entry.ts>');
  process.exit(2);
}

const root = path.resolve(__dirname, '..');
const outfile = path.join(root, '.build', `${path.basename(entry, '.ts')}.js`);
buildSync({
  entryPoints: [path.resolve(entry)],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'error',
});
require(outfile);
