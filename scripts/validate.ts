// Validates every object of one or more manifest directories against the Kubernetes schemas, the way
// `kubectl apply -f <dir>` would read them, and exits non-zero when any object is invalid.
//
//   npm run validate -- [-R] <dir>...        e.g. npm run validate -- dist
//
// -R descends into subdirectories, as kubectl's -R does.
import { join } from 'path';
import { readManifestDir } from '../lib/manifest-files';
import { availableValidators, formatManifestProblem, validateManifests } from '../lib/manifest-validation';

function main(args: string[]): number {
  const recursive = args.includes('-R') || args.includes('--recursive');
  const dirs = args.filter(arg => !arg.startsWith('-'));
  if (dirs.length === 0) {
    console.error('usage: npm run validate -- [-R] <dir>...');
    return 2;
  }

  const { validators, skipped } = availableValidators();
  console.log(`schemas: ${validators.map(v => v.label).join('; ')}`);
  for (const note of skipped) {
    console.log(`note: ${note}`);
  }

  let failed = false;
  for (const dir of dirs) {
    let entries;
    try {
      entries = readManifestDir(dir, { recursive }).map(entry => ({ ...entry, file: join(dir, entry.file) }));
    } catch (err) {
      console.error(`${dir}: ${err instanceof Error ? err.message : String(err)}`);
      failed = true;
      continue;
    }

    const { problems, unchecked } = validateManifests(entries, validators);
    for (const problem of problems) {
      console.error(formatManifestProblem(problem));
    }
    for (const entry of unchecked) {
      const { apiVersion, kind, metadata } = entry.object;
      console.log(`note: ${entry.file}: ${apiVersion} ${kind} ${metadata?.name}: not checked, no schema available`);
    }
    const files = new Set(entries.map(e => e.file)).size;
    console.log(`${dir}: ${entries.length} objects in ${files} files, ${problems.length} problems`);
    if (entries.length === 0) {
      // kubectl refuses a folder without manifests too ("no objects passed to apply").
      console.error(`${dir}: no manifests found${recursive ? '' : ' (-R reads subfolders)'}`);
      failed = true;
    }
    failed ||= problems.length > 0;
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
