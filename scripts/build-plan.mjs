// Which front-ends need a Vite build: each one's inputs are fingerprinted, and the
// fingerprint of its last build is kept in a stamp file outside the repository's sources.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FRONT_ENDS = ['sdk', 'workbench', 'phone', 'console'];
/** Inputs every front-end shares: the wire protocol it imports, and the installed tool versions. */
const SHARED_INPUTS = ['packages/protocol', 'package-lock.json'];
const SKIPPED = new Set(['dist', 'node_modules', '.turbo', 'coverage']);

/** Every file under `path` (or `path` itself), with its size and modification time. */
function listFiles(root, path, out) {
  if (!existsSync(path)) return out;
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    out.push(`${relative(root, path)}\0${stat.size}\0${stat.mtimeMs}`);
    return out;
  }
  for (const name of readdirSync(path)) if (!SKIPPED.has(name)) listFiles(root, join(path, name), out);
  return out;
}

/** A fingerprint of a front-end's inputs: a file added, removed, edited or touched changes it; its dist does not. */
export function fingerprint(name, root = REPO_ROOT) {
  const files = [join(root, 'packages', name), ...SHARED_INPUTS.map((input) => join(root, input))].flatMap((path) => listFiles(root, path, []));
  return createHash('sha256').update(files.sort().join('\n')).digest('hex');
}

export function stampDir(root = REPO_ROOT) {
  return join(root, 'node_modules', '.cache', 'openccc-build');
}

/** Whether the front-end's dist was built from exactly its current inputs. */
export function isUpToDate(name, root = REPO_ROOT, current = fingerprint(name, root)) {
  const stamp = join(stampDir(root), `${name}.sha256`);
  return existsSync(join(root, 'packages', name, 'dist')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === current;
}

/** Records that the front-end was built from inputs with this fingerprint. */
export function recordBuild(name, fingerprintOfInputs, root = REPO_ROOT) {
  mkdirSync(stampDir(root), { recursive: true });
  writeFileSync(join(stampDir(root), `${name}.sha256`), fingerprintOfInputs);
}
