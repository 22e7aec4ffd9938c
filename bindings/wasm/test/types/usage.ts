// Compiled by the types test (tsc --noEmit): the declarations of index.d.ts describe the API as a
// TypeScript user writes against it.
import init, { explain, lint, rules, type Diagnostic, type LintOptions, type Report, type Rule, type Severity } from 'composeguard';

export async function usage(): Promise<string[]> {
  await init();
  const options: LintOptions = { path: 'compose.yaml', env: { TAG: '1' }, select: ['security'], ignore: ['CG3'], profiles: ['*'], files: { '.env': 'A=1' } };
  const report: Report = lint('services: {}\n', options);
  const first: Diagnostic | undefined = report.files[0]?.diagnostics[0];
  const severity: Severity | undefined = first?.severity;
  const columns: number[] = report.files.flatMap((f) => f.diagnostics.map((d) => d.start.column + d.end.offset + d.start.byteOffset));
  const names: string[] = rules().map((r: Rule) => `${r.name} ${r.code} ${r.category} ${r.defaultEnabled}`);
  const docs: string = explain('unknown-key')?.docs ?? '';
  // null is the same as leaving an option out, as at runtime
  lint('', null);
  lint('', { path: null, env: null, select: null, ignore: null, profiles: null, files: null, config: null });
  // @ts-expect-error TOML text is parsed by the caller
  lint('', { config: 'ignore = ["style"]' });
  lint('', { config: { select: ['security'], severity: { 'image-floating-tag': 'error' }, 'fail-on': 'warning', waiver: [{ rule: 'privileged', service: 'dind', reason: 'CI' }] } });
  // @ts-expect-error a waiver needs a reason
  lint('', { config: { waiver: [{ rule: 'privileged' }] } });
  // @ts-expect-error unknown option
  lint('', { selct: [] });
  // @ts-expect-error env values are strings
  lint('', { env: { A: 1 } });
  return [String(report.valid), String(severity), String(columns.length), ...names, docs];
}
