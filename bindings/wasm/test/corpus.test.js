// The wasm reports the same diagnostics as the CLI's JSON on every file of ../shared/corpus.
//
// The CLI runs on each file from the file's folder, with an empty environment, as the corpus
// labels were made. The wasm gets the same text and, as `files`, every file of the same corpus
// project (the `.env` and env files the CLI reads from the disk). The CLI's character columns are
// converted to UTF-16 for the comparison; byte offsets must be equal as they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { lint } from '../js/node.js';
import { cliBinary, sharedDir } from './helpers.js';

const shared = sharedDir();
const cli = cliBinary();

/** Every file under `dir`, by path relative to `from`. */
function filesUnder(dir, from) {
  const files = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    files[path.relative(from, full)] = readFileSync(full, 'utf8');
  }
  return files;
}

/** The CLI's position (character column, byte offset) in the wasm's shape, for the file's `bytes`. */
function fromCli(position, bytes) {
  const before = bytes.subarray(0, position.offset);
  const lineStart = Math.max(before.lastIndexOf(0x0a), before.lastIndexOf(0x0d)) + 1;
  const lineBefore = bytes.subarray(lineStart, position.offset).toString('utf8');
  assert.equal(position.column, [...lineBefore].length + 1, 'the CLI counts a column in characters');
  return {
    line: position.line,
    column: lineBefore.length + 1,
    offset: bytes.subarray(0, position.offset).toString('utf8').length,
    byteOffset: position.offset,
  };
}

function expectedDiagnostic(d, bytesOf) {
  const bytes = bytesOf(d.file);
  const out = { ...d, start: fromCli(d.start, bytes), end: fromCli(d.end, bytes) };
  if (d.related) {
    out.related = d.related.map((r) => ({ ...r, start: fromCli(r.start, bytesOf(r.file)), end: fromCli(r.end, bytesOf(r.file)) }));
  }
  if (d.fix) {
    out.fix = {
      ...d.fix,
      edits: d.fix.edits.map((e) => ({ ...e, start: fromCli(e.start, bytesOf(e.file)), end: fromCli(e.end, bytesOf(e.file)) })),
    };
  }
  return out;
}

function corpusFiles() {
  const labels = readFileSync(path.join(shared, 'corpus', 'labels.tsv'), 'utf8').trimEnd().split('\n');
  const header = labels[0].split('\t');
  const column = header.indexOf('path');
  return labels.slice(1).map((line) => line.split('\t')[column]);
}

/** Runs the CLI on `name` in `dir` with an empty environment; returns its JSON report. */
function cliReport(dir, name) {
  let stdout;
  try {
    stdout = execFileSync(cli, ['check', '--format', 'json', name], { cwd: dir, env: {}, encoding: 'utf8' });
  } catch (error) {
    // Exit 1 means findings; the report is on stdout all the same.
    if (error.status !== 1) throw new Error(`${dir}/${name}: the CLI failed (${error.status}): ${error.stderr}`);
    stdout = error.stdout;
  }
  return JSON.parse(stdout);
}

/** Lints `dir/name` with the CLI and the wasm; returns both diagnostic lists, the CLI's converted. */
function bothWays(dir, name, files) {
  const fromCliReport = cliReport(dir, name);
  const bytesOf = (p) => readFileSync(path.resolve(dir, p));
  const expected = fromCliReport.files.flatMap((f) => f.diagnostics).map((d) => expectedDiagnostic(d, bytesOf));
  const report = lint(readFileSync(path.join(dir, name), 'utf8'), { path: name, env: {}, files });
  const actual = report.files.flatMap((f) => f.diagnostics);
  return { actual, expected, summaries: [report.summary, fromCliReport.summary] };
}

test('the CLI binary is there', () => {
  assert.ok(existsSync(cli), `no CLI at ${cli}: build it with \`cargo build -p composeguard-cli\` or set COMPOSEGUARD_CLI`);
});

// The corpus is ASCII: these exercise the UTF-16 conversion (accents, emoji, CJK, CRLF, tabs).
const unicodeCases = {
  'accents.yaml': 'services:\n  café:\n    image: "nginx:1.27"\n    labels:\n      note: "crème brûlée"\n    enviroment: {}\n',
  'emoji.yaml': 'services:\n  web:\n    image: "nginx:1.27" # 🐳🐳\n    labels: {x: "😀😀😀", y: 3}\n    ports: ["😀:80"]\n',
  'cjk-crlf.yaml': 'services:\r\n  服务:\r\n    image: "nginx:1.27"\r\n    restart: 永远\r\n    cpus: 两个\r\n',
  'tabs.yaml': 'services:\n  web:\n    image: "nginx:1.27"\n    command: ["a\tb", "🐳"]\n    build: {context: ., dockerfil: x}\n',
};

test('the wasm gives the CLI\'s diagnostics, in UTF-16, on non-ASCII files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'composeguard-utf16-'));
  try {
    let nonAscii = 0;
    for (const [name, text] of Object.entries(unicodeCases)) {
      writeFileSync(path.join(dir, name), text);
      const { actual, expected, summaries } = bothWays(dir, name, {});
      assert.ok(expected.length > 0, `${name}: expected findings`);
      assert.deepEqual(actual, expected, `${name}: the wasm and the CLI disagree`);
      assert.deepEqual(summaries[0], summaries[1]);
      for (const d of actual) {
        assert.equal(text.slice(d.start.offset, d.end.offset), Buffer.from(text).subarray(d.start.byteOffset, d.end.byteOffset).toString());
        if (d.start.offset !== d.start.byteOffset) nonAscii += 1;
      }
    }
    assert.ok(nonAscii > 0, 'no finding came after a non-ASCII character');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the wasm gives the CLI\'s diagnostics on every corpus file', { skip: shared ? false : 'skipped: ../shared/corpus is absent' }, (t) => {
  const files = corpusFiles();
  assert.ok(files.length > 50, `only ${files.length} corpus files`);
  let diagnostics = 0;
  for (const rel of files) {
    const file = path.join(shared, 'corpus', rel);
    const dir = path.dirname(file);
    const name = path.basename(file);
    const project = path.join(shared, 'corpus', rel.split('/')[0]);

    const { actual, expected, summaries } = bothWays(dir, name, filesUnder(project, dir));
    assert.deepEqual(actual, expected, `${rel}: the wasm and the CLI disagree`);
    assert.deepEqual(summaries[0], summaries[1], `${rel}: summaries differ`);
    diagnostics += actual.length;
  }
  t.diagnostic(`${files.length} corpus files, ${diagnostics} diagnostics, all equal`);
});
