#!/usr/bin/env node
// Times the command `npm run synth` runs (without npm's own launcher) against a bare cdk8s-plus-28 chart run by
// plain node, alternating the commands so that all see the same machine load, and prints the median of each and their
// ratio. Then times `npm run synth:all` (again without npm's launcher) on 1, 10 and 50 generated environments of 20
// secrets each, in the same rounds, and prints each against the bare chart and the cost of one more environment.
// It measures; it passes or fails nothing.
//
//   node scripts/bench-synth.js [runs]        default 15 runs of each
'use strict';
const { execFileSync } = require('child_process');
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('fs');
const { tmpdir } = require('os');
const path = require('path');
const { parse, stringify } = require('yaml');

const root = path.resolve(__dirname, '..');
const runs = Number(process.argv[2] || 15);
const scratch = mkdtempSync(path.join(tmpdir(), 'coder-eks-bench-'));

/** Environment counts of the synth:all measurement. */
const FLEET_SIZES = [1, 10, 50];
const SECRETS_PER_ENVIRONMENT = 20;

/** Writes `count` environment files derived from the example, each with its own namespace and 20 secrets. */
function generateEnvironments(count) {
  const dir = path.join(scratch, `envs-${count}`);
  mkdirSync(dir);
  const example = parse(readFileSync(path.join(root, 'environments', 'example.yaml'), 'utf8'));
  for (let i = 0; i < count; i++) {
    const env = structuredClone(example);
    env.cluster.name = `bench-${i}`;
    env.namespace.name = `coder-bench-${i}`;
    env.secrets = Array.from({ length: SECRETS_PER_ENVIRONMENT }, (_, s) => ({
      objectName: `bench-${i}/secret-${s}`,
      objectType: 'secretsmanager',
      objectAlias: `secret-${s}`,
      // The first is Coder's database URL, which every environment must have.
      env: s === 0 ? 'CODER_PG_CONNECTION_URL' : `BENCH_SECRET_${s}`,
    }));
    writeFileSync(path.join(dir, `env-${String(i).padStart(2, '0')}.yaml`), stringify(env));
  }
  return dir;
}

const commands = {
  bare: { args: ['scripts/bare-chart.js'], env: {} },
  synth: { args: ['scripts/run-ts.js', 'main.ts'], env: {} },
};
for (const count of FLEET_SIZES) {
  commands[`synth:all ${count}`] = {
    args: ['scripts/run-ts.js', 'scripts/synth-all.ts'],
    env: { ENV_DIR: generateEnvironments(count), ENVS_OUT_DIR: path.join(scratch, `out-${count}`) },
  };
}

function timeOnce({ args, env }) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      OUT_DIR: path.join(scratch, 'out'),
      AWS_OUT_DIR: path.join(scratch, 'aws'),
      CDK8S_OUTDIR: '',
      ...env,
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
  const times = Object.fromEntries(Object.keys(commands).map(name => [name, []]));
  for (const command of Object.values(commands)) {
    timeOnce(command); // warm the file cache and build the esbuild bundles
  }
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(commands)) {
      times[name].push(timeOnce(commands[name]));
    }
  }

  const medians = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
  const bare = medians.bare;
  const row = (label, ms) =>
    console.log(`${label.padEnd(34)}${ms.toFixed(0).padStart(6)} ms  ${(ms / bare).toFixed(2)}x bare`);
  console.log(`runs of each: ${runs} (medians)`);
  row('bare cdk8s-plus-28 chart', bare);
  row('npm run synth command', medians.synth);
  for (const count of FLEET_SIZES) {
    row(`synth:all, ${count} env x ${SECRETS_PER_ENVIRONMENT} secrets`, medians[`synth:all ${count}`]);
  }
  const first = medians[`synth:all ${FLEET_SIZES[0]}`];
  for (const count of FLEET_SIZES.slice(1)) {
    const perEnvironment = (medians[`synth:all ${count}`] - first) / (count - FLEET_SIZES[0]);
    console.log(`each further environment, 1 -> ${count}: ${perEnvironment.toFixed(1)} ms`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
