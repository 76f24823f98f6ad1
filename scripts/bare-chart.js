// The benchmark's baseline: the smallest useful cdk8s-plus-28 app, one chart with one Deployment, run by plain node.
'use strict';
const { App, Chart } = require('cdk8s');
const kplus = require('cdk8s-plus-28');

const app = new App({ outdir: process.env.OUT_DIR || 'dist-bare' });
const chart = new Chart(app, 'bare');
new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27.3' }] });
app.synth();
