#!/usr/bin/env node
// Builds what changed since the last build, for `npm start` and `npm run openccc`:
// the server through `tsc -b` (incremental on its own), and each front-end's Vite build
// only when its inputs differ from those of its last build. `npm run build` (and so
// `npm test`) still builds everything. `--dry-run` only says, for each front-end, whether
// it would be built.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FRONT_ENDS, fingerprint, isUpToDate, recordBuild, REPO_ROOT } from './build-plan.mjs';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const dryRun = process.argv.includes('--dry-run');
if (!dryRun) run(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/server']);

for (const name of FRONT_ENDS) {
  // Taken before the build: a source edited during it makes the next run build again.
  const current = fingerprint(name);
  const upToDate = isUpToDate(name, REPO_ROOT, current);
  if (dryRun) {
    process.stdout.write(`@openccc/${name}: ${upToDate ? 'up to date' : 'would build'}\n`);
    continue;
  }
  if (upToDate) continue;
  process.stderr.write(`building @openccc/${name}: its sources changed since its last build\n`);
  run('npm', ['run', '-s', 'build', '-w', `@openccc/${name}`]);
  recordBuild(name, current);
}
