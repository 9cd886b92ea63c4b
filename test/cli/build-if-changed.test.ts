import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FRONT_ENDS, fingerprint, isUpToDate, recordBuild } from '../../scripts/build-plan.mjs';

// `npm start` and `npm run openccc` run scripts/build-if-changed.mjs, which builds a front-end
// only when isUpToDate says no. These tests use a repository tree of their own.
let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'openccc-build-plan-'));
  write('package-lock.json', '{}');
  write('packages/protocol/src/index.ts', 'export const VERSION = 1;');
  for (const name of FRONT_ENDS) {
    write(`packages/${name}/src/main.ts`, `console.log('${name}');`);
    write(`packages/${name}/dist/index.js`, 'built');
  }
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the build plan of the front-ends', () => {
  it('builds a front-end never built, then finds it up to date', () => {
    expect(FRONT_ENDS).toEqual(['sdk', 'workbench', 'phone', 'console']);
    for (const name of FRONT_ENDS) expect(isUpToDate(name, root)).toBe(false);
    for (const name of FRONT_ENDS) recordBuild(name, fingerprint(name, root), root);
    for (const name of FRONT_ENDS) expect(isUpToDate(name, root)).toBe(true);
  });

  it('builds again only the front-end whose sources changed', () => {
    for (const name of FRONT_ENDS) recordBuild(name, fingerprint(name, root), root);
    write('packages/workbench/src/main.ts', "console.log('changed');");
    expect(FRONT_ENDS.filter((name) => !isUpToDate(name, root))).toEqual(['workbench']);
  });

  it('counts a touched, an added and a removed source as a change', () => {
    recordBuild('sdk', fingerprint('sdk', root), root);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'packages/sdk/src/main.ts'), later, later);
    expect(isUpToDate('sdk', root)).toBe(false);

    recordBuild('sdk', fingerprint('sdk', root), root);
    write('packages/sdk/src/extra.ts', '');
    expect(isUpToDate('sdk', root)).toBe(false);

    recordBuild('sdk', fingerprint('sdk', root), root);
    rmSync(join(root, 'packages/sdk/src/extra.ts'));
    expect(isUpToDate('sdk', root)).toBe(false);
  });

  it('builds every front-end again when the protocol or the lock file changes', () => {
    for (const name of FRONT_ENDS) recordBuild(name, fingerprint(name, root), root);
    write('packages/protocol/src/index.ts', 'export const VERSION = 2;');
    for (const name of FRONT_ENDS) expect(isUpToDate(name, root)).toBe(false);

    for (const name of FRONT_ENDS) recordBuild(name, fingerprint(name, root), root);
    write('package-lock.json', '{"lockfileVersion":3}');
    for (const name of FRONT_ENDS) expect(isUpToDate(name, root)).toBe(false);
  });

  it('ignores its own output and installed modules, and builds when the output is gone', () => {
    recordBuild('phone', fingerprint('phone', root), root);
    write('packages/phone/dist/index.js', 'rebuilt');
    write('packages/phone/node_modules/x/index.js', '');
    expect(isUpToDate('phone', root)).toBe(true);
    rmSync(join(root, 'packages/phone/dist'), { recursive: true });
    expect(isUpToDate('phone', root)).toBe(false);
  });
});
