// Renders every environment file of environments/ into dist-envs/, all or nothing: see lib/synth-all.ts.
//
//   npm run synth:all
//
// ENV_DIR (default environments) and ENVS_OUT_DIR (default dist-envs) override the two folders.
import { ENVIRONMENTS_OUTDIR } from '../lib/argocd-outputs';
import { runSynthAll } from '../lib/synth-all';

process.exitCode = runSynthAll({
  envDir: process.env.ENV_DIR || 'environments',
  outdir: process.env.ENVS_OUT_DIR || ENVIRONMENTS_OUTDIR,
});
