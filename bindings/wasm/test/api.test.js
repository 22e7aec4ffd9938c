// The JS API: lint's options and report shape, rules(), explain(), errors, the crash path, the web
// entry point, and the size of the wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import init, { initSync, lint, rules, explain, __panicForTesting } from '../js/node.js';
import { packageDir } from './helpers.js';

const BROKEN = [
  'services:',
  '  web:',
  '    image: nginx:latest',
  '    enviroment:',
  '      A: "1"',
  '    depends_on: [db]',
  '',
].join('\n');

const CATEGORIES = ['spec', 'correctness', 'security', 'reliability', 'resources', 'reproducibility', 'style'];
const SEVERITIES = ['error', 'warning', 'info'];

function assertPosition(p, where) {
  assert.deepEqual(Object.keys(p).sort(), ['byteOffset', 'column', 'line', 'offset'], where);
  for (const [k, v] of Object.entries(p)) assert.ok(Number.isInteger(v) && v >= 0, `${where}.${k} = ${v}`);
  assert.ok(p.line >= 1 && p.column >= 1, where);
}

/** Checks a diagnostic against the Diagnostic interface of index.d.ts. */
function assertDiagnostic(d) {
  const required = ['rule', 'code', 'category', 'severity', 'message', 'file', 'path', 'start', 'end'];
  const optional = ['help', 'related', 'fix', 'profiles', 'suppression'];
  for (const k of required) assert.ok(k in d, `missing ${k}`);
  for (const k of Object.keys(d)) assert.ok(required.includes(k) || optional.includes(k), `unexpected key ${k}`);
  for (const k of ['rule', 'code', 'message', 'file', 'path']) assert.equal(typeof d[k], 'string', k);
  assert.match(d.rule, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  assert.match(d.code, /^CG\d{3}$/);
  assert.ok(CATEGORIES.includes(d.category), d.category);
  assert.ok(SEVERITIES.includes(d.severity), d.severity);
  assertPosition(d.start, 'start');
  assertPosition(d.end, 'end');
  if ('help' in d) assert.equal(typeof d.help, 'string');
  for (const r of d.related ?? []) {
    assert.deepEqual(Object.keys(r).sort(), ['end', 'file', 'message', 'start']);
    assertPosition(r.start, 'related.start');
    assertPosition(r.end, 'related.end');
  }
}

test('lint: the report has the documented shape', () => {
  const report = lint(BROKEN);
  assert.deepEqual(Object.keys(report).sort(), ['files', 'summary', 'valid', 'version']);
  assert.equal(report.version, 1);
  assert.equal(report.valid, false);
  assert.equal(report.files.length, 1);
  assert.equal(report.files[0].path, 'compose.yaml');
  const diagnostics = report.files[0].diagnostics;
  assert.ok(diagnostics.length >= 2);
  diagnostics.forEach(assertDiagnostic);
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity] += 1;
  assert.deepEqual(report.summary, counts);
  const typo = diagnostics.find((d) => d.rule === 'unknown-key');
  assert.equal(BROKEN.slice(typo.start.offset, typo.end.offset), 'enviroment');
  assert.deepEqual([typo.start.line, typo.start.column], [4, 5]);
  assert.equal(typo.help, 'did you mean `environment`?');
  assert.ok(diagnostics.some((d) => d.message.includes('db')), 'the missing dependency is reported');
});

test('lint: a valid file', () => {
  const report = lint('services:\n  web:\n    image: "nginx:1.27"\n');
  assert.equal(report.valid, true);
  assert.equal(report.summary.error, 0);
});

test('lint: options reach the core', () => {
  const text = 'services:\n  web:\n    image: "nginx:${TAG}"\n    profiles: [debug]\n';
  const unset = (r) => r.files.flatMap((f) => f.diagnostics).some((d) => d.message.includes('variable `TAG` is not set'));
  assert.ok(unset(lint(text)));
  assert.ok(!unset(lint(text, { env: { TAG: '1.27' } })));
  assert.ok(!unset(lint(text, { path: 'app/compose.yaml', files: { 'app/.env': 'TAG=1.27\n' } })));
  assert.equal(lint(text, { path: 'app/compose.yaml' }).files[0].path, 'app/compose.yaml');

  const all = lint(BROKEN).files[0].diagnostics;
  const spec = all.filter((d) => d.category === 'spec');
  // what compose rejects is never ignored: `all` leaves the spec errors, and a rule that only
  // reports them cannot be named
  assert.ok(spec.length > 0);
  assert.deepEqual(lint(BROKEN, { ignore: ['all'] }).files[0].diagnostics, spec);
  assert.deepEqual(lint(BROKEN, { ignore: CATEGORIES.filter((c) => c !== 'spec') }).files[0].diagnostics, spec);
  assert.throws(() => lint(BROKEN, { ignore: [spec[0].rule] }), /names spec errors only/);
  assert.throws(() => lint(BROKEN, { config: { ignore: [spec[0].code] } }), /names spec errors only/);
  const first = all.find((d) => d.category !== 'spec');
  assert.ok(!lint(BROKEN, { ignore: [first.rule] }).files[0].diagnostics.some((d) => d.rule === first.rule));
  assert.ok(!lint(BROKEN, { ignore: [first.code] }).files[0].diagnostics.some((d) => d.rule === first.rule));
  assert.ok(lint(BROKEN, { select: [first.rule], ignore: ['all'] }).files[0].diagnostics.some((d) => d.rule === first.rule));

  const offByDefault = rules().find((r) => !r.defaultEnabled);
  if (offByDefault) {
    assert.ok(lint(BROKEN, { select: ['all'] }).files[0].diagnostics.length >= all.length);
  }
  // Profiles: with none chosen every service is checked; with some, a service is checked when
  // one of its profiles is active. When every service is checked, findings say which profiles
  // their service has.
  const aboutWeb = (r) => r.files[0].diagnostics.filter((d) => d.path.startsWith('services.web') && d.category !== 'spec');
  assert.deepEqual(aboutWeb(lint(text, { profiles: ['tools'] })), []);
  const debug = aboutWeb(lint(text, { profiles: ['debug'] }));
  const unchosen = aboutWeb(lint(text));
  assert.deepEqual(unchosen.map((d) => d.rule), debug.map((d) => d.rule));
  for (const d of unchosen) assert.deepEqual(d.profiles, ['debug']);
  assert.ok(debug.length > 0);
  const star = aboutWeb(lint(text, { profiles: ['*'] }));
  assert.deepEqual(star.map((d) => d.rule), debug.map((d) => d.rule));
  for (const d of star) assert.deepEqual(d.profiles, ['debug']);
});

test('lint: an invalid COMPOSE_PROJECT_NAME is an error, as for the CLI', () => {
  const text = 'services:\n  web:\n    image: "nginx:1.27"\n';
  const named = (r) => r.files.flatMap((f) => f.diagnostics).filter((d) => d.message.includes('invalid project name'));
  const fromEnv = lint(text, { env: { COMPOSE_PROJECT_NAME: 'My App' } });
  assert.equal(fromEnv.valid, false);
  assert.equal(named(fromEnv).length, 1);
  // from `.env` among the files: at its entry
  const fromDotenv = lint(text, { files: { '.env': 'A=1\nCOMPOSE_PROJECT_NAME=My.App\n' } });
  const [d] = named(fromDotenv);
  assert.equal(d.file, '.env');
  assert.equal(d.start.line, 2);
  assert.equal(named(lint(text, { env: { COMPOSE_PROJECT_NAME: 'my-app' } })).length, 0);
});

test('lint: COMPOSE_DISABLE_ENV_FILE and COMPOSE_ENV_FILES choose the env files among files, as for the CLI', () => {
  const text = 'services:\n  web:\n    image: "nginx:${TAG}"\n';
  const files = { '.env': 'TAG=1.27\n', 'other.env': 'TAG=1.28\n' };
  const unset = (env) => lint(text, { env, files }).files.flatMap((f) => f.diagnostics).filter((d) => d.rule === 'unset-variable');
  assert.equal(unset({}).length, 0);
  assert.equal(unset({ COMPOSE_DISABLE_ENV_FILE: '1' }).length, 1, '.env is not read');
  assert.equal(unset({ COMPOSE_DISABLE_ENV_FILE: 'true', COMPOSE_ENV_FILES: 'other.env' }).length, 0);
});

test('lint: referenced files are checked only against the files given', () => {
  const text = 'services:\n  web:\n    image: "nginx:1.27"\n    env_file: web.env\n';
  const errors = (r) => r.files.flatMap((f) => f.diagnostics).filter((d) => d.severity === 'error' && d.message.includes('web.env'));
  assert.deepEqual(errors(lint(text)), [], 'text on its own: web.env is not checked');
  assert.equal(lint(text).valid, true);
  assert.equal(errors(lint(text, { files: {} })).length, 1, 'with files, web.env is missing');
  assert.deepEqual(errors(lint(text, { files: { 'web.env': 'A=1\n' } })), []);
});

test('lint: bad arguments are TypeErrors', () => {
  const cases = [
    () => lint(),
    () => lint(42),
    () => lint(Buffer.from('services: {}')),
    () => lint('', 'options'),
    () => lint('', []),
    () => lint('', { selct: ['x'] }),
    () => lint('', { env: { A: 1 } }),
    () => lint('', { select: 'privileged' }),
    () => lint('', { files: ['a'] }),
    () => lint('', { config: 'x = 1' }),
    () => lint('', { config: { ignore: ['no-such-rule'] } }),
    () => lint('', { select: ['privilegd'] }),
    () => lint('', { ignore: ['CG9'] }),
    () => lint('', { config: { waiver: [{ rule: 'unknown-key' }] } }),
    () => lint('', { config: 42 }),
    () => lint('', { config: 'ignore = ["style"]' }),
  ];
  for (const run of cases) assert.throws(run, TypeError, String(run));
  assert.throws(() => lint('', { selct: [] }), /unknown field `selct`/);
  assert.throws(() => lint('', { select: ['privilegd'] }), /did you mean `privileged`\?/);
  // null and undefined are the same as leaving an option out
  assert.deepEqual(lint(BROKEN, null), lint(BROKEN));
  assert.deepEqual(lint(BROKEN, { path: undefined, env: null, select: undefined }), lint(BROKEN));
});

test('lint: a configuration object', () => {
  const text = 'services:\n  web:\n    image: nginx:latest\n';
  const floating = (r) => r.files[0].diagnostics.find((d) => d.rule === 'image-floating-tag');
  assert.equal(floating(lint(text)).severity, 'warning');
  assert.equal(floating(lint(text, { config: { severity: { 'image-floating-tag': 'error' } } })).severity, 'error');
  assert.equal(floating(lint(text, { config: { ignore: ['reproducibility'] } })), undefined);
  // The options' select wins over the configuration's ignore.
  assert.ok(floating(lint(text, { select: ['image-floating-tag'], config: { ignore: ['image-floating-tag'] } })));
  const waived = floating(lint(text, { config: { waiver: [{ rule: 'image-floating-tag', service: 'web', reason: 'a test' }] } }));
  assert.deepEqual(waived.suppression, { kind: 'config', reason: 'a test' });
  assert.throws(() => lint(text, { config: { ignore: ['image-floting-tag'] } }), /did you mean `image-floating-tag`/);
});

test('rules: every rule, with its metadata', () => {
  const list = rules();
  assert.ok(list.length > 5);
  const keys = ['category', 'code', 'defaultEnabled', 'fixable', 'name', 'severity', 'sources', 'summary'];
  for (const r of list) {
    assert.deepEqual(Object.keys(r).sort(), keys);
    assert.ok(CATEGORIES.includes(r.category));
    assert.ok(SEVERITIES.includes(r.severity));
    assert.ok(Array.isArray(r.sources));
    assert.equal(typeof r.summary, 'string');
  }
  assert.equal(new Set(list.map((r) => r.name)).size, list.length, 'names are unique');
  assert.equal(new Set(list.map((r) => r.code)).size, list.length, 'codes are unique');
  assert.ok(list.some((r) => r.category === 'spec'));
  // Every rule a report names is in the list.
  const names = new Set(list.map((r) => r.name));
  for (const d of lint(BROKEN).files[0].diagnostics) assert.ok(names.has(d.rule), d.rule);
});

test('explain: docs by name or code, undefined for an unknown rule', () => {
  for (const r of rules()) {
    const byName = explain(r.name);
    assert.equal(byName.name, r.name);
    assert.match(byName.docs, /## What it does/);
    assert.deepEqual(explain(r.code), byName);
    const { docs, ...meta } = byName;
    assert.deepEqual(meta, r);
  }
  assert.equal(explain('no-such-rule'), undefined);
  assert.equal(explain(''), undefined);
  assert.throws(() => explain(), TypeError);
});

test('a crash is a readable Error, and the module recovers', () => {
  const before = lint(BROKEN);
  for (let i = 0; i < 3; i += 1) {
    assert.throws(
      () => __panicForTesting(),
      (error) => {
        assert.ok(error instanceof Error && !(error instanceof TypeError));
        assert.match(error.message, /^composeguard: internal error in panicForTesting\(\): panicked at .*lib\.rs.*\n__panicForTesting was called/);
        assert.match(error.message, /this is a bug/);
        return true;
      },
    );
    assert.deepEqual(lint(BROKEN), before);
  }
});

test('init() and initSync() are harmless in Node.js', async () => {
  await init();
  initSync();
  assert.equal(lint(BROKEN).valid, false);
});

test('the web entry point works from bytes (initSync)', async () => {
  const web = await import('../js/web.js');
  assert.throws(() => web.lint('services: {}'), /await init\(\) first/);
  const bytes = readFileSync(path.join(packageDir, 'pkg', 'web', 'composeguard_wasm_bg.wasm'));
  web.initSync(bytes);
  assert.deepEqual(web.lint(BROKEN), lint(BROKEN));
  await web.default(); // loading again does nothing
  assert.deepEqual(web.rules(), rules());
});

// the budget: 1 499 325 bytes at the start of stop 21, 1 508 132 after its rule fixes;
// 1 594 056 at the start of stop 26, 1 603 573 after its fixes for hostile input (duplicates
// found by hash in long lists, interpolation in one pass with a nesting bound, env file errors
// located in the file); 1 620 647 after stop 27's fixes (loading as compose does in six more
// corners, spec checks found from the schema, positions counted from a table on long lines,
// files found beside an absolute path); 1 631 834 after stop 29's message fixes (a rule for
// values YAML changes, "did you mean" for undefined references, well-known wrong key names),
// 1 643 282 with one error for one mistake (missing keys, missing images, dedented keys),
// 1 662 455 with the messages about where compose reads files and which layer set a value;
// 1 742 868 after stop 31's reviews (help for every type error and YAML syntax error, the
// mistakes users report, include conflicts compared as compose compares them)
test('the wasm is under 1.80 MB', (t) => {
  const limit = 1_800_000;
  for (const dir of ['web', 'node']) {
    const size = statSync(path.join(packageDir, 'pkg', dir, 'composeguard_wasm_bg.wasm')).size;
    t.diagnostic(`pkg/${dir}/composeguard_wasm_bg.wasm: ${size} bytes`);
    assert.ok(size < limit, `${size} bytes is over ${limit}`);
  }
});

test('package.json points at files that exist', () => {
  const pkg = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  for (const target of [pkg.types, ...Object.values(pkg.exports['.'])]) {
    assert.ok(statSync(path.join(packageDir, target)).isFile(), target);
  }
});
