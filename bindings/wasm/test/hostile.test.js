// Bad input never traps: each hostile text gets a report (with a located diagnostic where the text
// is broken), and the module keeps working afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { lint } from '../js/node.js';

const GOOD = 'services:\n  web:\n    image: "nginx:1.27"\n';

/** Lints `text`, checks the report's shape and that every position is inside the text. */
function lintChecked(text, options) {
  const report = lint(text, options);
  assert.equal(report.version, 1);
  const diagnostics = report.files.flatMap((f) => f.diagnostics);
  for (const d of diagnostics) {
    assert.ok(d.start.offset >= 0 && d.start.offset <= d.end.offset && d.end.offset <= text.length, `${d.rule}: offsets ${d.start.offset}..${d.end.offset} outside 0..${text.length}`);
    assert.ok(d.start.line >= 1 && d.start.column >= 1, `${d.rule}: line/column not 1-based`);
  }
  // Still working afterwards, and with the same answer as before.
  assert.deepEqual(lint(GOOD), lint(GOOD));
  return { report, diagnostics };
}

function hasSpecError(diagnostics) {
  return diagnostics.some((d) => d.category === 'spec' && d.severity === 'error');
}

const DEPTH = 10_000;

const cases = {
  'flow sequences nested 10 000 deep': `services:\n  web:\n    image: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`,
  'flow mappings nested 10 000 deep': `x-deep: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\nservices: {}\n`,
  'unclosed nesting 10 000 deep': `services: ${'['.repeat(DEPTH)}`,
  'block sequences nested 10 000 deep': `services:\n${'- '.repeat(DEPTH)}x\n`,
  'alias bomb (billion laughs)': [
    'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: 9 }, (_, i) => {
      const name = String.fromCharCode(98 + i);
      const prev = String.fromCharCode(97 + i);
      return `x-${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`;
    }),
    'services:',
    '  web:',
    '    image: "nginx:1.27"',
    '    command: *j',
    '',
  ].join('\n'),
  'a 1 MB line': `services:\n  web:\n    image: "nginx:1.27"\n    command: "${'x'.repeat(1 << 20)}"\n`,
  'a 1 MB key': `services:\n  ${'k'.repeat(1 << 20)}:\n    image: "nginx:1.27"\n`,
  'NUL bytes': 'services:\n  web:\u0000\n    image: "nginx\u0000:1.27"\n\u0000\u0000',
  'lone surrogates': 'services:\n  w\uD800eb:\n    image: "nginx:1.27\uDFFF"\n    labels: {"\uDC00": "\uD83D"}\n',
  'only a byte order mark': '\uFEFF',
  'empty text': '',
  'only comments': '# nothing here\n',
  'a scalar document': '42\n',
  'a sequence document': '- a\n- b\n',
  'many documents': '---\nservices: {}\n'.repeat(2000),
  'tabs for indentation': 'services:\n\tweb:\n\t\timage: nginx\n',
  'unterminated quote': 'services:\n  web:\n    image: "nginx\n',
  'binary noise': Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join(''),
  'duplicate keys': 'services:\n  web:\n    image: a\n    image: b\nservices: {}\n',
  'merge key cycle attempt': 'x-a: &a\n  <<: *a\nservices: {}\n',
  'undefined alias': 'services:\n  web: *nope\n',
  'huge number': `services:\n  web:\n    image: "nginx:1.27"\n    cpus: 1${'0'.repeat(5000)}\n    mem_limit: 9${'9'.repeat(400)}g\n`,
  'every interpolation form': 'services:\n  web:\n    image: "${A:-${B:?${C}}}${"\n    command: "$$ ${} ${:-x} ${A:?} $"\n',
  '5 000 services': `services:\n${Array.from({ length: 5_000 }, (_, i) => `  s${i}: {image: "nginx:1.27"}`).join('\n')}\n`,
};

for (const [name, text] of Object.entries(cases)) {
  test(`hostile input: ${name}`, () => {
    const started = performance.now();
    const { report, diagnostics } = lintChecked(text);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 20, `took ${seconds.toFixed(1)} s`);
    assert.equal(typeof report.valid, 'boolean');
    if (/nested|alias bomb|unclosed|unterminated|noise|undefined alias|scalar document|sequence document|empty|only/.test(name)) {
      assert.ok(hasSpecError(diagnostics), `expected a spec error, got ${JSON.stringify(diagnostics.map((d) => d.rule))}`);
      assert.equal(report.valid, false);
    }
  });
}

test('hostile options: huge env, odd paths, select/ignore of anything', () => {
  const env = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`V${i}`, 'x'.repeat(100)]));
  lintChecked('services:\n  web:\n    image: "nginx:${V9999}"\n', { env });
  for (const path of ['', '/', '../../..', '\u0000', 'a/'.repeat(1000), 'C:\\x\\compose.yaml', '\uD800']) {
    lintChecked(GOOD, { path });
  }
  lintChecked(GOOD, { select: ['all'], ignore: ['all'], profiles: ['*', ''] });
  // a selector that names nothing is a TypeError, never a crash
  for (const entry of ['', 'CG', '*', '\uD800', 'x'.repeat(100_000)]) {
    assert.throws(() => lint(GOOD, { select: [entry] }), TypeError, JSON.stringify(entry.slice(0, 10)));
    assert.throws(() => lint(GOOD, { ignore: [entry] }), TypeError);
  }
  lintChecked('services:\n  web:\n    image: "nginx:1.27"\n    env_file: ../../../../etc/passwd\n', { files: { '/etc/passwd': 'root:x:0:0' } });
});
