#!/usr/bin/env node
// Times the command `npm run synth` runs (without npm's own launcher) against a bare cdk8s-plus-28 chart run by
// plain node, alternating the two so that both see the same machine load, and prints the median of each and their
// ratio. It measures; it passes or fails nothing.
//
//   node scripts/bench-synth.js [runs]        default 15 runs of each
'use strict';
const { execFileSync } = require('child_process');
const { mkdtempSync, rmSync } = require('fs');
const { tmpdir } = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] || 15);
const scratch = mkdtempSync(path.join(tmpdir(), 'coder-eks-bench-'));

const commands = {
  synth: ['scripts/run-ts.js', 'main.ts'],
  bare: ['scripts/bare-chart.js'],
};

function timeOnce(args) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      OUT_DIR: path.join(scratch, 'out'),
      AWS_OUT_DIR: path.join(scratch, 'aws'),
      CDK8S_OUTDIR: '',
    },
  });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

try {
  const times = { synth: [], bare: [] };
  timeOnce(commands.synth); // warm the file cache and esbuild's first start
  timeOnce(commands.bare);
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(commands)) {
      times[name].push(timeOnce(commands[name]));
    }
  }
  const synth = median(times.synth);
  const bare = median(times.bare);
  console.log(`runs of each:            ${runs}`);
  console.log(`bare cdk8s-plus-28 chart: ${bare.toFixed(0)} ms (median)`);
  console.log(`npm run synth command:    ${synth.toFixed(0)} ms (median)`);
  console.log(`ratio:                    ${(synth / bare).toFixed(2)}x`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
