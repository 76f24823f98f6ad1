import { runSynth } from './lib/synth';

/** The environment rendered when ENV_FILE is not set. */
const DEFAULT_ENV_FILE = 'environments/example.yaml';

process.exitCode = runSynth({
  envFile: process.env.ENV_FILE || DEFAULT_ENV_FILE,
  outdir: process.env.OUT_DIR || 'dist',
  awsOutdir: process.env.AWS_OUT_DIR || 'aws',
  stagingDir: process.env.CDK8S_OUTDIR || undefined,
});
