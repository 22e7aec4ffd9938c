// The playground: a compose file in CodeMirror, linted by composeguard's wasm on every change;
// findings as editor markers and as a list; rule docs; a severity filter; examples; the file kept
// in the URL fragment; light and dark themes. Nothing is fetched but the page's own files.
import { basicSetup } from 'codemirror';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic as EditorDiagnostic } from '@codemirror/lint';
import { oneDark } from '@codemirror/theme-one-dark';

import init, { explain, lint, type Diagnostic, type Report, type Severity } from 'composeguard';

import { renderInline, renderMarkdown } from './markdown';
import { readFragment, writeFragment } from './share';
import './style.css';

const examples = Object.entries(
  import.meta.glob<string>('../examples/*.yaml', { query: '?raw', import: 'default', eager: true }),
)
  .map(([file, text]) => ({ id: file.replace(/^.*\/|\.yaml$/g, ''), text, title: titleOf(text) }))
  .sort((a, b) => order(a.id) - order(b.id));

/** Examples with errors first; any other file after them. */
function order(id: string): number {
  const known = ['typos', 'checklist', 'broken-yaml', 'healthy'].indexOf(id);
  return known === -1 ? 100 : known;
}

/** An example's title: its first comment line, up to the colon. */
function titleOf(text: string): string {
  return /^#\s*([^:.\n]+)/.exec(text)?.[1]?.trim() ?? 'Example';
}

const FIRST_EXAMPLE = 'typos';
const LINT_DELAY_MS = 150;
const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`#${id} is missing from the page`);
  return found as T;
}

const ui = {
  example: element<HTMLSelectElement>('example'),
  filter: element<HTMLFieldSetElement>('severity-filter'),
  share: element<HTMLButtonElement>('share'),
  theme: element<HTMLButtonElement>('theme'),
  editor: element<HTMLDivElement>('editor'),
  cursor: element<HTMLSpanElement>('cursor'),
  verdict: element<HTMLSpanElement>('verdict'),
  total: element<HTMLSpanElement>('total'),
  empty: element<HTMLParagraphElement>('empty'),
  list: element<HTMLOListElement>('diagnostics'),
  docs: element<HTMLElement>('docs'),
  docsTitle: element<HTMLHeadingElement>('docs-title'),
  docsBody: element<HTMLDivElement>('docs-body'),
  docsClose: element<HTMLButtonElement>('docs-close'),
};

const shown = new Set<Severity>(SEVERITIES);
let report: Report | undefined;
let view: EditorView;
const themeCompartment = new Compartment();

// ---- theme

type Theme = 'light' | 'dark';
const THEME_KEY = 'composeguard-playground-theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

function applyTheme(theme: Theme) {
  document.documentElement.dataset.theme = theme;
  ui.theme.textContent = theme === 'dark' ? 'Light' : 'Dark';
  ui.theme.setAttribute('aria-pressed', String(theme === 'dark'));
  ui.theme.title = `Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`;
  view?.dispatch({ effects: themeCompartment.reconfigure(theme === 'dark' ? oneDark : []) });
}

// ---- linting

function allDiagnostics(r: Report | undefined): Diagnostic[] {
  return r ? r.files.flatMap((f) => f.diagnostics) : [];
}

function visible(r: Report | undefined): Diagnostic[] {
  // Findings in other files (none without `files`) have no place in this editor.
  return allDiagnostics(r).filter((d) => shown.has(d.severity) && (r?.files[0]?.path ?? d.file) === d.file);
}

/** The list's order: errors first, then warnings, then info; by position within each. */
function bySeverity(diagnostics: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => SEVERITIES.indexOf(d.severity);
  return [...diagnostics].sort((a, b) => rank(a) - rank(b) || a.start.offset - b.start.offset);
}

function runLint() {
  const text = view.state.doc.toString();
  try {
    report = lint(text, { path: 'compose.yaml' });
  } catch (error) {
    report = undefined;
    ui.verdict.textContent = String(error);
    ui.verdict.className = 'verdict invalid';
  }
  render();
  void writeFragment(text);
}

function toEditor(d: Diagnostic, length: number): EditorDiagnostic {
  const from = Math.min(d.start.offset, length);
  const to = Math.min(Math.max(d.end.offset, from), length);
  return {
    from,
    to,
    severity: d.severity,
    source: `${d.code} ${d.rule}`,
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
    actions: [{ name: 'Rule docs', apply: () => showDocs(d.rule) }],
  };
}

function render() {
  const diagnostics = visible(report);
  const length = view.state.doc.length;
  view.dispatch(setDiagnostics(view.state, diagnostics.map((d) => toEditor(d, length))));

  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of allDiagnostics(report)) counts[d.severity] += 1;
  for (const severity of SEVERITIES) {
    const count = ui.filter.querySelector<HTMLElement>(`[data-count="${severity}"]`);
    if (count) count.textContent = String(counts[severity]);
  }
  ui.total.textContent = `(${diagnostics.length})`;
  ui.empty.hidden = diagnostics.length > 0;
  ui.list.replaceChildren(...bySeverity(diagnostics).map(listItem));
  if (report) {
    ui.verdict.textContent = report.valid ? 'valid for docker compose' : 'docker compose would reject this file';
    ui.verdict.className = `verdict ${report.valid ? 'valid' : 'invalid'}`;
  }
}

function listItem(d: Diagnostic): HTMLLIElement {
  const item = document.createElement('li');
  item.className = `diagnostic ${d.severity}`;
  item.dataset.rule = d.rule;
  item.dataset.line = String(d.start.line);
  item.tabIndex = 0;
  item.title = 'Go to the finding';

  const head = document.createElement('div');
  head.className = 'head';
  const severity = document.createElement('span');
  severity.className = 'severity';
  severity.textContent = d.severity;
  const where = document.createElement('span');
  where.className = 'where';
  where.textContent = `${d.start.line}:${d.start.column}`;
  const rule = document.createElement('button');
  rule.type = 'button';
  rule.className = 'rule';
  rule.textContent = `${d.code} ${d.rule}`;
  rule.title = `Documentation of ${d.rule}`;
  rule.addEventListener('click', (event) => {
    event.stopPropagation();
    showDocs(d.rule);
  });
  head.append(severity, where, rule);

  const message = document.createElement('div');
  message.className = 'message';
  message.append(...renderInline(d.message));
  item.append(head, message);
  if (d.help) {
    const help = document.createElement('div');
    help.className = 'help';
    help.append('help: ', ...renderInline(d.help));
    item.append(help);
  }

  const jump = () => goTo(d);
  item.addEventListener('click', jump);
  item.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      jump();
    }
  });
  return item;
}

function goTo(d: Diagnostic) {
  const length = view.state.doc.length;
  const from = Math.min(d.start.offset, length);
  const to = Math.min(Math.max(d.end.offset, from), length);
  // Select the flagged text with the cursor at its start.
  view.dispatch({ selection: { anchor: to, head: from }, effects: EditorView.scrollIntoView(from, { y: 'center' }) });
  view.focus();
}

// ---- rule docs

function showDocs(rule: string) {
  const docs = explain(rule);
  if (!docs) return;
  ui.docsTitle.textContent = `${docs.code} ${docs.name}`;
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.textContent = `Category ${docs.category}, default severity ${docs.severity}${docs.defaultEnabled ? '' : ', off by default'}.${
    docs.sources.length ? ` Sources: ${docs.sources.join(', ')}.` : ''
  }`;
  ui.docsBody.replaceChildren(meta, renderMarkdown(docs.docs));
  ui.docs.hidden = false;
  ui.docs.parentElement?.scrollTo({ top: 0 });
}

// ---- start

let lintTimer: number | undefined;

/** Lints after a pause in typing. */
function scheduleLint() {
  window.clearTimeout(lintTimer);
  lintTimer = window.setTimeout(runLint, LINT_DELAY_MS);
}

/** Replaces the editor's text and lints it at once. */
function loadText(text: string) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, selection: { anchor: 0 } });
  window.clearTimeout(lintTimer);
  runLint();
}

async function start() {
  await init();

  for (const example of examples) {
    const option = document.createElement('option');
    option.value = example.id;
    option.textContent = example.title;
    ui.example.append(option);
  }
  const custom = document.createElement('option');
  custom.value = '';
  custom.textContent = 'Your file';
  custom.hidden = true;
  ui.example.append(custom);

  const shared = await readFragment();
  const first = examples.find((e) => e.id === FIRST_EXAMPLE) ?? examples[0];
  ui.example.value = shared === undefined ? first?.id ?? '' : '';

  view = new EditorView({
    parent: ui.editor,
    state: EditorState.create({
      doc: shared ?? first?.text ?? '',
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        themeCompartment.of([]),
        EditorView.updateListener.of((update) => {
          if (update.selectionSet || update.docChanged) {
            const head = update.state.selection.main.head;
            const line = update.state.doc.lineAt(head);
            ui.cursor.textContent = `Ln ${line.number}, Col ${head - line.from + 1}`;
          }
          if (update.docChanged) {
            // Typing turns an example into "your file".
            if (update.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete') || tr.isUserEvent('move'))) {
              ui.example.value = '';
            }
            scheduleLint();
          }
        }),
      ],
    }),
  });
  applyTheme(initialTheme());

  ui.example.addEventListener('change', () => {
    const example = examples.find((e) => e.id === ui.example.value);
    if (example) loadText(example.text);
  });
  ui.filter.addEventListener('change', (event) => {
    const box = event.target as HTMLInputElement;
    if (box.checked) shown.add(box.value as Severity);
    else shown.delete(box.value as Severity);
    render();
  });
  ui.theme.addEventListener('click', () => {
    const next: Theme = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    applyTheme(next);
  });
  ui.share.addEventListener('click', async () => {
    await writeFragment(view.state.doc.toString());
    try {
      await navigator.clipboard.writeText(location.href);
      ui.share.textContent = 'Link copied';
    } catch {
      ui.share.textContent = 'Link in the address bar';
    }
    window.setTimeout(() => (ui.share.textContent = 'Copy link'), 2000);
  });
  ui.docsClose.addEventListener('click', () => (ui.docs.hidden = true));

  runLint();
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  document.body.dataset.ready = 'error';
  ui.verdict.textContent = `The playground failed to start: ${String(error)}`;
  ui.verdict.className = 'verdict invalid';
});
