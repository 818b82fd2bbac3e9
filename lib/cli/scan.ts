/** `agent-baseline scan`: run the rule packs over manifests and print findings. */
import * as path from 'path';
import { Command, Option } from 'commander';
import {
  FAIL_ON,
  FRAMEWORK_KEYS,
  FailOn,
  PSS_LATEST_MINOR,
  Report,
  RuleOptionError,
  failingCount,
  packNames,
  packsForFramework,
  parsePssVersion,
  resolveFramework,
  runRules,
  toJson,
  toJsonParts,
  toJunit,
  toMarkdown,
  toSarif,
  toSarifParts,
  toText,
} from '../rules';
import { applyBaseline, readBaseline } from './baseline';
import { DEFAULT_MAX_FILE_BYTES, InputError, formatProblem, parseSize, readManifests } from './load';

export const EXIT = { ok: 0, failing: 1, badInput: 2 } as const;
export const FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanOptions {
  readonly pack?: readonly string[];
  readonly pssVersion?: string;
  readonly format?: Format;
  readonly failOn?: FailOn;
  readonly requireSandbox?: boolean;
  /** Target Kubernetes version `1.N`. @default oldest supported minor */
  readonly kubernetesVersion?: string;
  /** DNS is served at the metadata address (GKE Cloud DNS). @default false */
  readonly metadataDns?: boolean;
  /** Saved JSON report whose problems are accepted (shown as baselined, not failing). */
  readonly baseline?: string;
  /** Largest file read, e.g. `64MiB` (default) or a byte count. */
  readonly maxFileSize?: string;
  /** Compliance report: only this framework. */
  readonly framework?: string;
}

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly readStdin?: () => Buffer;
}

const VERSION = '0.1.0';

/** Files as the repository sees them: relative to where the scan runs, with forward slashes. */
export const relativeUri = (f: string) =>
  f.startsWith('<') ? f : path.relative(process.cwd(), f).split(path.sep).join('/');

export function render(report: Report, format: Format, failOn: FailOn, framework?: string): string {
  switch (format) {
    case 'json':
      return toJson(report, failOn, relativeUri) + '\n';
    case 'sarif':
      return toSarif(report, { toolVersion: VERSION, uri: relativeUri }) + '\n';
    case 'junit':
      return toJunit(report, failOn);
    case 'markdown':
      return toMarkdown(report, { framework, failOn }) + '\n';
    default:
      return toText(report, failOn);
  }
}

/**
 * {@link render} as consecutive parts. The JSON and SARIF reports of a large repository (37 MB of
 * text on a 50 MB one) are written part by part: joining them first held the parts, the joined
 * text and its UTF-8 encoding at once (about 75 MB more peak memory, and one more copy).
 */
export function renderParts(report: Report, format: Format, failOn: FailOn, framework?: string): string[] {
  let parts: string[];
  if (format === 'json') parts = toJsonParts(report, failOn, relativeUri);
  else if (format === 'sarif') parts = toSarifParts(report, { toolVersion: VERSION, uri: relativeUri });
  else return [render(report, format, failOn, framework)];
  parts[parts.length - 1] += '\n';
  return parts;
}

function checkOptions(options: ScanOptions): string | undefined {
  if (options.pssVersion !== undefined && parsePssVersion(options.pssVersion) === undefined) {
    return `--pss-version: invalid value '${options.pssVersion}'; expected v1.0 to v1.${PSS_LATEST_MINOR} or latest (newer versions have no checks of their own yet)`;
  }
  if (options.maxFileSize !== undefined && parseSize(options.maxFileSize) === undefined)
    return `--max-file-size: invalid value '${options.maxFileSize}'; expected a byte count or a size such as 64MiB`;
  if (options.framework !== undefined && resolveFramework(options.framework) === undefined)
    return `--framework: unknown framework '${options.framework}'; expected one of ${FRAMEWORK_KEYS.join(', ')}`;
  const unknown = (options.pack ?? []).filter((p) => !packNames().includes(p));
  if (unknown.length) return `--pack: unknown pack '${unknown[0]}'; known packs: ${packNames().join(', ')}`;
  return undefined;
}

/**
 * Reads and judges the inputs. Its own function so the decoded objects are garbage once the report
 * exists: rendering never holds both.
 */
function judge(paths: readonly string[], options: ScanOptions, io: CliIo): Report {
  const loaded = readManifests(paths, {
    readStdin: io.readStdin,
    maxFileBytes: options.maxFileSize !== undefined ? parseSize(options.maxFileSize) : DEFAULT_MAX_FILE_BYTES,
    onSkip: (m) => io.err(`agent-baseline: ${m}\n`),
  });
  // Unreadable inputs are reported as found, and the scan goes on with everything else.
  for (const e of loaded.errors) io.err(`agent-baseline: ${formatProblem(e)}\n`);
  const report = runRules(loaded.objects, {
    // A framework-only report also runs the non-default packs that cite it (the gdpr pack).
    packs:
      options.pack ??
      (options.framework !== undefined ? packsForFramework(resolveFramework(options.framework)!) : undefined),
    pssVersion: options.pssVersion,
    requireSandbox: options.requireSandbox,
    kubernetesVersion: options.kubernetesVersion,
    metadataDns: options.metadataDns,
  });
  const toNotice = (e: { file: string; line?: number; message?: string; reason?: string }) => ({
    file: relativeUri(e.file),
    ...(e.line ? { line: e.line } : {}),
    message: e.message ?? e.reason ?? '',
  });
  return { ...report, inputs: { errors: loaded.errors.map(toNotice), skipped: loaded.skipped.map(toNotice) } };
}

/** Runs a scan and returns the exit code; bad input is reported on err, never thrown. */
export function runScan(
  paths: readonly string[],
  options: ScanOptions,
  io: CliIo,
  defaultFormat: Format = 'text',
): number {
  const problem = checkOptions(options);
  if (problem) {
    io.err(`agent-baseline: ${problem}\n`);
    return EXIT.badInput;
  }
  try {
    const accepted = options.baseline !== undefined ? readBaseline(options.baseline) : undefined;
    let report = judge(paths, options, io);
    if (accepted && options.baseline !== undefined)
      report = applyBaseline(report, accepted, relativeUri(options.baseline), relativeUri);
    const failOn = options.failOn ?? 'error';
    for (const part of renderParts(report, options.format ?? defaultFormat, failOn, options.framework)) io.out(part);
    if (report.inputs?.errors.length) return EXIT.badInput;
    return failingCount(report, failOn) > 0 ? EXIT.failing : EXIT.ok;
  } catch (err) {
    if (err instanceof InputError || err instanceof RuleOptionError) {
      io.err(`agent-baseline: ${err.message}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Options shared by scan and report. */
export function addScanOptions(cmd: Command, defaultFormat: Format, defaultFailOn: FailOn = 'error'): Command {
  return cmd
    .argument('<paths...>', 'YAML/JSON files, directories (recursive) or - for stdin')
    .option(
      '--pack <name>',
      `rule pack, repeatable (default: pss-restricted, hardening, rbac, agent, api-versions)`,
      collect,
    )
    .option(
      '--pss-version <version>',
      `Pod Security policy version v1.0…v1.${PSS_LATEST_MINOR} or latest (default: namespace enforce-version label, else latest)`,
    )
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default(defaultFormat))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when unsuppressed findings of this severity (or worse) exist')
        .choices([...FAIL_ON])
        .default(defaultFailOn),
    )
    .option('--require-sandbox', 'agents must run under a sandbox RuntimeClass')
    .option(
      '--kubernetes-version <version>',
      'Kubernetes version the manifests target, 1.N (default: the oldest supported, 1.28); judges removed API versions and Pod Security version pins',
    )
    .option(
      '--metadata-dns',
      'the cluster serves DNS at 169.254.169.254 (GKE Cloud DNS): allow that /32 on port 53 only',
    )
    .option(
      '--baseline <file>',
      'saved JSON report (scan --format json): its problems are shown as baselined and do not fail',
    )
    .option(
      '--max-file-size <size>',
      `largest file read, e.g. 128MiB (default ${DEFAULT_MAX_FILE_BYTES / 1024 / 1024}MiB)`,
    )
    .option('--framework <name>', `compliance report: only this framework (${FRAMEWORK_KEYS.join(', ')})`);
}

export function registerScan(program: Command, io: CliIo): Command {
  return addScanOptions(
    program
      .command('scan')
      .description('Check manifests against the rule packs (exit 0 clean, 1 failing findings, 2 unusable input)'),
    'text',
  ).action((paths: string[], options: ScanOptions) => {
    process.exitCode = runScan(paths, options, io);
  });
}
