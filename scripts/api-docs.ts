/**
 * The API reference, from the TypeScript compiler API: one Markdown page per public entry point
 * (package.json `exports`) in docs/api, and the list of exported declarations that lack JSDoc or,
 * for optional properties, an `@default` tag.
 *
 *   npx tsx scripts/api-docs.ts           # writes docs/api; exits 1 on any undocumented export
 *   npx tsx scripts/api-docs.ts --check   # exits 1 when docs/api is stale or an export is undocumented
 *
 * test/docs/api-reference.test.ts runs the same check in `npm test`: there is no list of accepted
 * gaps.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
export const API_DIR = path.join(ROOT, 'docs', 'api');

/** A type as text, with `import("…")` paths relative to the repository so the pages do not depend on where it is checked out. */
function typeText(checker: ts.TypeChecker, type: ts.Type, node: ts.Node): string {
  return checker
    .typeToString(type, node, ts.TypeFormatFlags.NoTruncation)
    .replace(
      /import\("([^"]+)"\)/g,
      (_, file: string) => `import("${path.relative(ROOT, file).split(path.sep).join('/')}")`,
    );
}

interface EntryPoint {
  /** `agent-baseline/workload` */
  readonly specifier: string;
  /** docs/api file name, `workload.md` */
  readonly page: string;
  readonly source: string;
}

/** The public entry points, from package.json `exports` (the one list). */
export function entryPoints(): EntryPoint[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { require: string }>;
  };
  return Object.entries(pkg.exports).flatMap(([subpath, target]) => {
    if (typeof target === 'string') return [];
    const source = path.join(ROOT, target.require.replace(/^\.\/build\//, '').replace(/\.js$/, '.ts'));
    const name = subpath === '.' ? 'index' : subpath.slice(2);
    return [{ specifier: subpath === '.' ? pkg.name : `${pkg.name}/${name}`, page: `${name}.md`, source }];
  });
}

export interface ApiReference {
  /** File name under docs/api -> content. */
  readonly pages: ReadonlyMap<string, string>;
  /** `entry: Name` or `entry: Name.member (why)`, sorted. */
  readonly gaps: readonly string[];
}

function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

/**
 * JSDoc tags the pages use. Any other `@word` in a comment (say a package name such as
 * `@pulumi/pulumi` outside backticks) is parsed as a tag and cuts the description short there.
 */
const KNOWN_TAGS = new Set(['default', 'param', 'typeParam', 'internal', 'returns', 'example', 'deprecated', 'see']);

/** The unknown tags of `symbol`'s JSDoc, named for the gap list. */
function unknownTags(symbol: ts.Symbol, checker: ts.TypeChecker): string[] {
  return symbol
    .getJsDocTags(checker)
    .map((t) => t.name)
    .filter((name) => !KNOWN_TAGS.has(name));
}

function tagsOf(symbol: ts.Symbol, checker: ts.TypeChecker): Map<string, string> {
  return new Map(symbol.getJsDocTags(checker).map((t) => [t.name, ts.displayPartsToString(t.text ?? []).trim()]));
}

function kindOf(decl: ts.Declaration | undefined): string {
  if (!decl) return 'unknown';
  if (ts.isClassDeclaration(decl)) return 'class';
  if (ts.isInterfaceDeclaration(decl)) return 'interface';
  if (ts.isTypeAliasDeclaration(decl)) return 'type';
  if (ts.isFunctionDeclaration(decl)) return 'function';
  if (ts.isEnumDeclaration(decl)) return 'enum';
  if (ts.isVariableDeclaration(decl)) return 'const';
  if (ts.isModuleDeclaration(decl) || ts.isSourceFile(decl)) return 'namespace';
  return ts.SyntaxKind[decl.kind];
}

/** One line of Markdown table cell text. */
function cell(text: string): string {
  // A fenced example inside JSDoc becomes inline code: the page keeps one paragraph per export.
  const unfenced = text.replace(/```[a-z]*\s*([\s\S]*?)```/g, (_, body: string) => code(body));
  return unfenced.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.includes('`') ? `\`\` ${flat} \`\`` : `\`${flat}\``;
}

function isPublicMember(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(decl);
  return !(name && ts.isPrivateIdentifier(name));
}

/** Builds every page and the gap list, without writing. */
export function buildApiReference(): ApiReference {
  const entries = entryPoints();
  const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const program = ts.createProgram(
    entries.map((e) => e.source),
    { ...parsed.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const pages = new Map<string, string>();
  const gaps = new Set<string>();

  for (const entry of entries) {
    const sourceFile = program.getSourceFile(entry.source);
    const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!moduleSymbol) throw new Error(`api-docs: cannot read ${entry.source}`);
    const moduleDoc = sourceFile.statements.length
      ? ts
          .getJSDocCommentsAndTags(sourceFile.statements[0]!)
          .map((d) => (ts.isJSDoc(d) ? (ts.getTextOfJSDocComment(d.comment) ?? '') : ''))
          .join(' ')
          .trim()
      : '';
    const exportsOf = checker
      .getExportsOfModule(moduleSymbol)
      .slice()
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const lines = [`# \`${entry.specifier}\``, ''];
    if (moduleDoc) lines.push(cell(moduleDoc), '');
    lines.push(`\`import { … } from '${entry.specifier}';\` — ${exportsOf.length} exports.`, '');

    for (const exported of exportsOf) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.declarations?.[0];
      const kind = kindOf(decl);
      if (kind === 'namespace') {
        const target = entries.find((e) => decl && e.source === decl.getSourceFile().fileName);
        lines.push(
          `## ${exported.name}`,
          '',
          `namespace: every export of [\`${target?.specifier ?? exported.name}\`](${target?.page ?? ''}).`,
          '',
        );
        continue;
      }
      const doc = docOf(symbol, checker);
      if (!doc) gaps.add(`${entry.specifier}: ${exported.name}`);
      for (const tag of unknownTags(symbol, checker))
        gaps.add(`${entry.specifier}: ${exported.name} (unknown tag @${tag}: a \`@name\` outside backticks?)`);
      lines.push(`## ${exported.name}`, '', `${kind}${doc ? ` — ${cell(doc)}` : ''}`, '');
      if (
        decl &&
        (ts.isFunctionDeclaration(decl) || ts.isVariableDeclaration(decl) || ts.isTypeAliasDeclaration(decl))
      ) {
        const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
        const text = ts.isTypeAliasDeclaration(decl) ? decl.type.getText() : typeText(checker, type, decl);
        lines.push(code(text.length > 400 ? `${text.slice(0, 400)}…` : text), '');
      }
      if (decl && (ts.isClassDeclaration(decl) || ts.isInterfaceDeclaration(decl))) {
        const members: string[] = [];
        const type = checker.getDeclaredTypeOfSymbol(symbol);
        const props = ts.isInterfaceDeclaration(decl)
          ? checker.getPropertiesOfType(type)
          : [...(symbol.members?.values() ?? [])];
        const statics = ts.isClassDeclaration(decl)
          ? [...(symbol.exports?.values() ?? [])].filter((s) => s.name !== 'prototype')
          : [];
        for (const member of [...statics.map((s) => [s, 'static '] as const), ...props.map((s) => [s, ''] as const)]) {
          const [m, prefix] = member;
          const mDecl = m.declarations?.[0];
          // Type parameters are a class's symbol members too; they are documented with @typeParam.
          if (!mDecl || ts.isTypeParameterDeclaration(mDecl) || !isPublicMember(mDecl) || m.name === '__constructor')
            continue;
          const optional = (m.flags & ts.SymbolFlags.Optional) !== 0;
          const mDoc = docOf(m, checker);
          const tags = tagsOf(m, checker);
          const isOwn = mDecl.parent === decl;
          if (isOwn && !mDoc) gaps.add(`${entry.specifier}: ${exported.name}.${m.name} (no JSDoc)`);
          for (const tag of isOwn ? unknownTags(m, checker) : [])
            gaps.add(
              `${entry.specifier}: ${exported.name}.${m.name} (unknown tag @${tag}: a \`@name\` outside backticks?)`,
            );
          if (isOwn && optional && ts.isInterfaceDeclaration(decl) && !tags.has('default'))
            gaps.add(`${entry.specifier}: ${exported.name}.${m.name} (optional, no @default)`);
          const mType = typeText(checker, checker.getTypeOfSymbolAtLocation(m, mDecl), mDecl);
          const def = tags.get('default');
          const shownType = mType.length > 160 ? `${mType.slice(0, 160)}…` : mType;
          members.push(
            `| ${prefix}${cell(code(m.name + (optional ? '?' : '')))} | ${cell(code(shownType))} | ${def === undefined ? '' : cell(code(def))} | ${cell(mDoc)} |`,
          );
        }
        if (members.length)
          lines.push('| Member | Type | Default | Description |', '|---|---|---|---|', ...members, '');
      }
    }
    pages.set(entry.page, lines.join('\n').replace(/\n+$/, '\n'));
  }

  const index = [
    '# API reference',
    '',
    'Generated by `npm run docs:api` (scripts/api-docs.ts) from the sources; do not edit by hand.',
    'One page per entry point of package.json `exports`.',
    '',
    '| Entry point | Page |',
    '|---|---|',
    ...entries.map((e) => `| \`${e.specifier}\` | [${e.page}](${e.page}) |`),
    '',
  ];
  pages.set('README.md', index.join('\n'));
  return { pages, gaps: [...gaps].sort() };
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const ref = buildApiReference();
  // Every export is documented: a gap fails the build (and the test) rather than being listed.
  for (const g of ref.gaps) process.stderr.write(`undocumented: ${g}\n`);
  if (check) {
    const stale = [...ref.pages].filter(
      ([f, c]) => !fs.existsSync(path.join(API_DIR, f)) || fs.readFileSync(path.join(API_DIR, f), 'utf8') !== c,
    );
    for (const [f] of stale) process.stderr.write(`stale: docs/api/${f} (run npm run docs:api)\n`);
    process.exitCode = ref.gaps.length || stale.length ? 1 : 0;
  } else {
    fs.rmSync(API_DIR, { recursive: true, force: true });
    fs.mkdirSync(API_DIR, { recursive: true });
    for (const [file, content] of ref.pages) fs.writeFileSync(path.join(API_DIR, file), content);
    process.stderr.write(`api-docs: ${ref.pages.size} pages, ${ref.gaps.length} undocumented\n`);
    process.exitCode = ref.gaps.length ? 1 : 0;
  }
}
