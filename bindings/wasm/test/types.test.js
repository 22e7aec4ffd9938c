// index.d.ts type-checks what a TypeScript user writes (test/types/usage.ts), and the playground
// is written against it: both compile with tsc --strict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { packageDir } from './helpers.js';

test('tsc --noEmit: index.d.ts, its usage, the playground', () => {
  const tsc = path.join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', path.join(packageDir, 'playground', 'tsconfig.json')], { encoding: 'utf8' });
  } catch (error) {
    assert.fail(`tsc found errors:\n${error.stdout}${error.stderr}`);
  }
});
