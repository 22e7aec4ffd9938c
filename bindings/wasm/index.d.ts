// Types of the composeguard npm package (the same for its web and Node.js entry points).

/** What kind of problem a rule finds. `spec` is exactly what `docker compose config` rejects. */
export type Category = 'spec' | 'correctness' | 'security' | 'reliability' | 'resources' | 'reproducibility' | 'style';

export type Severity = 'error' | 'warning' | 'info';

/**
 * A place in a file.
 *
 * `line` and `column` are 1-based; `column` counts UTF-16 code units, as JavaScript strings and
 * editors (CodeMirror, Monaco, VS Code) do. `offset` is the 0-based UTF-16 index into the text,
 * so `text.slice(start.offset, end.offset)` is the flagged source. `byteOffset` is the 0-based
 * UTF-8 byte offset, the `offset` of the CLI's JSON report (a byte order mark at the start of the
 * text counts in `offset` and `column`, not in `byteOffset`).
 */
export interface Position {
  line: number;
  column: number;
  offset: number;
  byteOffset: number;
}

/** A secondary location: the anchor behind an alias, the first of two duplicates… */
export interface RelatedLocation {
  file: string;
  start: Position;
  end: Position;
  message: string;
}

/** One text replacement of a fix. */
export interface Edit {
  file: string;
  start: Position;
  end: Position;
  replacement: string;
}

/** Edits that resolve a finding. */
export interface Fix {
  description: string;
  edits: Edit[];
}

/** Why a finding does not count. */
export interface Suppression {
  kind: 'inline' | 'file' | 'config' | 'baseline';
  reason: string | null;
}

/** One finding. */
export interface Diagnostic {
  /** The rule's stable kebab-case name, e.g. `unknown-key`. */
  rule: string;
  /** The rule's code, e.g. `CG006`. */
  code: string;
  category: Category;
  severity: Severity;
  message: string;
  /** The file the finding is in (`options.path`, or one of `options.files`). */
  file: string;
  /** Where in the compose model, e.g. `services.web.ports[0]` (empty when it has no place there). */
  path: string;
  start: Position;
  end: Position;
  /** How to fix it. */
  help?: string;
  related?: RelatedLocation[];
  fix?: Fix;
  /** Profiles of the service the finding is about. */
  profiles?: string[];
  /** Set when the finding is waived; it then counts in no summary. */
  suppression?: Suppression;
}

export interface FileReport {
  path: string;
  /** Sorted by position. */
  diagnostics: Diagnostic[];
}

/** Counts of unsuppressed findings by severity. */
export interface Summary {
  error: number;
  warning: number;
  info: number;
}

/** The result of `lint`: the CLI's JSON report, with UTF-16 positions and `valid`. */
export interface Report {
  version: 1;
  /** False exactly when docker compose would reject the file (a `spec` diagnostic of severity `error`). */
  valid: boolean;
  /** One entry per file the project was read from: the linted file first. */
  files: FileReport[];
  summary: Summary;
}

/** Every option may be left out, `undefined` or `null` (the three are the same). */
export interface LintOptions {
  /**
   * The compose file's path, as shown in diagnostics; its folder is the project folder that
   * relative paths in the file (and `.env`) are resolved from. Default `compose.yaml`.
   */
  path?: string | null;
  /** Variables for interpolation, as the process environment is for the CLI. Default: none. */
  env?: Record<string, string> | null;
  /**
   * Rules to run besides the defaults: names, codes, code prefixes (`CG2`), categories or `all`.
   * An entry that names none of these is a TypeError.
   */
  select?: string[] | null;
  /** Rules not to run (same forms as `select`; where both name a rule, the more precise entry wins, `ignore` on a tie). */
  ignore?: string[] | null;
  /** Active profiles (`*` for all). None: the rules check every service, as the CLI does. */
  profiles?: string[] | null;
  /**
   * The files the compose file may read, by path relative to the folder of `path` (or absolute):
   * `.env`, `env_file` targets, `extends` and `include` files, secrets… They are the whole file
   * system, as the disk is for the CLI: a referenced file not among them is reported missing.
   * Without `files`, the text is linted on its own and the files it refers to are not checked
   * (an `info` finding says so).
   */
  files?: Record<string, string> | null;
  /**
   * The configuration: the keys of a `composeguard.toml`, as an object (parse a TOML file with
   * any TOML library first; TOML text is refused). A configuration the CLI would refuse (an
   * unknown key or rule, a waiver without a reason) is a TypeError. `select` and `ignore` above
   * add to the configuration's and win where they name the same rule. Configuration files among
   * `files` are not looked for.
   */
  config?: Config | null;
}

/** composeguard's configuration (`composeguard.toml`); every key is optional. */
export interface Config {
  /** Rules to run besides the defaults: names, codes, code prefixes (`CG2`), categories or `all`. */
  select?: string[];
  /** Rules not to run (same forms). */
  ignore?: string[];
  /** Severity by rule name, code or category; a rule's own entry wins over its category's. Not for `spec` rules. */
  severity?: Record<string, Severity>;
  /** The CLI's exit threshold; `lint` reports everything whatever it says. */
  'fail-on'?: Severity;
  /** Findings accepted on purpose: they stay in the report with `suppression` set, and count in no summary. */
  waiver?: Waiver[];
}

/** A finding accepted on purpose, for one service or (without `service`) everywhere. */
export interface Waiver {
  /** The rule, by name or code. */
  rule: string;
  service?: string;
  /** Why the finding is acceptable (required, not empty). */
  reason: string;
}

/** A rule, as `composeguard rules --format json` lists it, with JavaScript's camelCase names (`defaultEnabled`). */
export interface Rule {
  name: string;
  code: string;
  category: Category;
  /** Default severity. */
  severity: Severity;
  fixable: boolean;
  /** Whether it runs without being selected. */
  defaultEnabled: boolean;
  /** The peer rules or benchmark items it matches (`KICS 451d79dc`, `compose-spec`…). */
  sources: string[];
  /** The first sentence of its documentation. */
  summary: string;
}

/** A rule and its documentation. */
export interface RuleDocs extends Rule {
  /** Markdown with the sections What it does, Why is this bad?, Example and Use instead. */
  docs: string;
}

/** What `init` accepts: where to load the wasm from, its bytes, or the compiled module. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the wasm module (in browsers; in Node.js it is loaded on import and this does nothing).
 * Without an argument the module is fetched from next to the package's JS, which bundlers such as
 * Vite handle. Calling it again does nothing.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Loads the wasm module synchronously from its bytes or a compiled module. */
export function initSync(module: BufferSource | WebAssembly.Module): void;

/**
 * Lints one compose file given as text. Never throws for bad input: broken YAML, wrong types,
 * alias bombs and huge files are diagnostics. Throws a TypeError for bad arguments (unknown or
 * mistyped options), and an Error if the engine crashes (a bug; the module restarts itself).
 */
export function lint(text: string, options?: LintOptions | null): Report;

/** Every rule: the spec checks, then the checklist rules. */
export function rules(): Rule[];

/** A rule's documentation, by name or code; `undefined` when there is no such rule. */
export function explain(nameOrCode: string): RuleDocs | undefined;
