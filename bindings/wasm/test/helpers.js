// Shared by the node tests: where things are.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(packageDir, '..', '..');

/** `../shared` beside the repository, or undefined. */
export function sharedDir() {
  const dir = path.resolve(repoRoot, '..', 'shared');
  return existsSync(dir) ? dir : undefined;
}

/**
 * The CLI binary to compare with: $COMPOSEGUARD_CLI, else the debug build in the target folder
 * (scripts/test-wasm.sh builds it).
 */
export function cliBinary() {
  if (process.env.COMPOSEGUARD_CLI) return process.env.COMPOSEGUARD_CLI;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target');
  return path.join(targetDir, 'debug', 'composeguard');
}
