#!/usr/bin/env node
// Builds what changed since the last build, for `npm start` and `npm run openccc`:
// the server through `tsc -b` (incremental on its own), and each front-end's Vite build
// only when its inputs differ from those of its last build. `npm run build` (and so
// `npm test`) still builds everything.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMPS = join(ROOT, 'node_modules', '.cache', 'openccc-build');
const FRONT_ENDS = ['sdk', 'workbench', 'phone', 'console'];
/** Inputs every front-end shares: the wire protocol it imports, and the installed tool versions. */
const SHARED_INPUTS = ['packages/protocol', 'package-lock.json'];
const SKIPPED = new Set(['dist', 'node_modules', '.turbo', 'coverage']);

/** Every file under `path` (or `path` itself), with its size and modification time. */
function listFiles(path, out = []) {
  if (!existsSync(path)) return out;
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    out.push(`${relative(ROOT, path)}\0${stat.size}\0${stat.mtimeMs}`);
    return out;
  }
  for (const name of readdirSync(path)) if (!SKIPPED.has(name)) listFiles(join(path, name), out);
  return out;
}

/** A fingerprint of a front-end's inputs: a file added, removed, edited or touched changes it. */
function fingerprint(name) {
  const files = [join(ROOT, 'packages', name), ...SHARED_INPUTS.map((input) => join(ROOT, input))].flatMap((path) => listFiles(path));
  return createHash('sha256').update(files.sort().join('\n')).digest('hex');
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'packages/server']);

mkdirSync(STAMPS, { recursive: true });
for (const name of FRONT_ENDS) {
  const stampFile = join(STAMPS, `${name}.sha256`);
  const current = fingerprint(name);
  const built = existsSync(join(ROOT, 'packages', name, 'dist')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === current;
  if (built) continue;
  process.stderr.write(`building @openccc/${name}: its sources changed since its last build\n`);
  run('npm', ['run', '-s', 'build', '-w', `@openccc/${name}`]);
  writeFileSync(stampFile, current);
}
