/**
 * Every code block in README.md and docs/**\/*.md is checked, so no example drifts:
 * - `ts` blocks are type-checked and run (with tsx, in a temp dir, importing the library by its
 *   package name through tsconfig paths). A block whose info string says `continue` is appended to
 *   the page's previous TypeScript block and the whole is checked as one program.
 * - `ts no-run` / `ts cluster` / `ts pulumi` blocks (they need a cluster, the Pulumi CLI or Vault)
 *   are type-checked only.
 * - `sh`/`bash` blocks run line by line in a temp dir whose dist/ (and k8s/) hold the default
 *   platform's synth output; `agent-baseline` is this checkout's CLI. A trailing `# exit N` states the expected
 *   exit code (default 0). Blocks marked `no-run`, `cluster` or `pulumi` are not run.
 * - `ts excerpt` blocks show part of a repository file, named by their first line
 *   (`// lib/...ts`); that file must exist. They are neither compiled nor run.
 * - `yaml` blocks must parse; `json` blocks too.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '../..');
const NOT_RUN = new Set(['no-run', 'cluster', 'pulumi']);

interface Block {
  readonly file: string;
  readonly line: number;
  readonly lang: string;
  readonly flags: ReadonlySet<string>;
  readonly code: string;
}

function markdownFiles(): string[] {
  const out = ['README.md'];
  const walk = (dir: string): void => {
    if (!fs.existsSync(path.join(ROOT, dir))) return;
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  return out.sort();
}

/** Fenced blocks (``` or ~~~), with the info string split into language and flags. */
export function codeBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${fence![0]}{${fence!.length},}\\s*$`).test(lines[j]!); j++) {
      body.push(lines[j]!.startsWith(indent!) ? lines[j]!.slice(indent!.length) : lines[j]!);
    }
    blocks.push({
      file,
      line: i + 1,
      lang: lang!.toLowerCase(),
      flags: new Set(rest!.split(/[\s,]+/).filter(Boolean)),
      code: body.join('\n'),
    });
    i = j;
  }
  return blocks;
}

const blocks = markdownFiles().flatMap((f) => codeBlocks(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
const TS = new Set(['ts', 'typescript']);
const SH = new Set(['sh', 'bash', 'shell', 'console']);

/** TypeScript programs: each standalone block plus the `continue` blocks after it on its page. */
interface Program {
  readonly name: string;
  readonly blocks: Block[];
  run: boolean;
}
const programs: Program[] = [];
for (const b of blocks.filter((x) => TS.has(x.lang) && !x.flags.has('excerpt'))) {
  const last = programs[programs.length - 1];
  if (b.flags.has('continue') && last && last.blocks[0]!.file === b.file) {
    last.blocks.push(b);
    last.run = last.run && ![...b.flags].some((f) => NOT_RUN.has(f));
  } else {
    const name = `${b.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${b.line}`;
    programs.push({ name, blocks: [b], run: ![...b.flags].some((f) => NOT_RUN.has(f)) });
  }
}

let tmp: string;
beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ab-docs-')));
  // The programs resolve cdk8s and friends from this checkout's node_modules, agent-baseline by its paths.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tmp, 'node_modules'));
  const repoTsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: Record<string, unknown> & { paths: Record<string, string[]> };
  };
  const paths = Object.fromEntries(
    Object.entries(repoTsconfig.compilerOptions.paths).map(([k, v]) => [k, v.map((p) => path.join(ROOT, p))]),
  );
  fs.writeFileSync(
    path.join(tmp, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...repoTsconfig.compilerOptions,
        noUnusedLocals: false,
        noEmit: true,
        types: ['node', 'jest'],
        paths,
      },
      include: ['programs/*.ts'],
    }),
  );
  fs.mkdirSync(path.join(tmp, 'programs'));
  for (const p of programs) {
    const header = p.blocks.map((b) => `// ${b.file}:${b.line}`).join('\n');
    // `export {}` makes each program a module, so two programs may declare the same names.
    fs.writeFileSync(
      path.join(tmp, 'programs', `${p.name}.ts`),
      `${header}\n${p.blocks.map((b) => b.code).join('\n')}\nexport {};\n`,
    );
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the docs have code blocks to check', () => {
  expect(programs.length).toBeGreaterThan(5);
});

test('every excerpt names an existing repository file in its first line', () => {
  for (const b of blocks.filter((x) => x.flags.has('excerpt'))) {
    const file = /^\/\/\s*(\S+)/.exec(b.code)?.[1] ?? '';
    expect([`${b.file}:${b.line}`, file !== '' && fs.existsSync(path.join(ROOT, file))]).toEqual([
      `${b.file}:${b.line}`,
      true,
    ]);
  }
});

test('every TypeScript block type-checks', () => {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tmp], {
    cwd: tmp,
    encoding: 'utf8',
  });
  // Name the markdown file and line of each error rather than the temp file.
  const errors = tsc.stdout
    .split('\n')
    .filter((l) => /error TS/.test(l))
    .map((l) => {
      const m = /programs\/([^.]+)\.ts\((\d+),/.exec(l);
      const program = m && programs.find((p) => p.name === m[1]);
      return program
        ? `${program.blocks.map((b) => `${b.file}:${b.line}`).join('+')}: ${l.replace(/^.*?error /, 'error ')}`
        : l;
    });
  expect(errors).toEqual([]);
});

describe('TypeScript blocks run', () => {
  const runnable = programs.filter((p) => p.run);
  test.each(runnable.map((p) => [p.blocks.map((b) => `${b.file}:${b.line}`).join('+'), p] as const))('%s', (_, p) => {
    const cwd = path.join(tmp, 'run', p.name);
    fs.mkdirSync(cwd, { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(cwd, 'node_modules'));
    const run = spawnSync(
      process.execPath,
      ['-r', require.resolve('tsx/cjs'), path.join(tmp, 'programs', `${p.name}.ts`)],
      { cwd, encoding: 'utf8', env: { ...process.env, TSX_TSCONFIG_PATH: path.join(tmp, 'tsconfig.json') } },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  });
});

describe('shell blocks run', () => {
  const shell = blocks.filter((b) => SH.has(b.lang) && ![...b.flags].some((f) => NOT_RUN.has(f)));
  let cwd: string;
  beforeAll(() => {
    cwd = path.join(tmp, 'shell');
    fs.mkdirSync(cwd, { recursive: true });
    // dist/ as `npm run synth` writes it, without touching this checkout's dist/.
    const synth = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), path.join(ROOT, 'main.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_OUTDIR: path.join(cwd, 'dist') },
    });
    expect(synth.status).toBe(0);
    // Examples scan "your manifests" as k8s/: the same output under that name.
    fs.cpSync(path.join(cwd, 'dist'), path.join(cwd, 'k8s'), { recursive: true });
  });
  if (shell.length === 0) test.skip('no runnable shell blocks', () => undefined);
  for (const b of shell) {
    const commands = b.code
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    test.each(commands)(`${b.file}:${b.line}: %s`, (command) => {
      const expected = Number(/#\s*exit\s+(\d+)\s*$/.exec(command)?.[1] ?? 0);
      const bin = `${process.execPath} ${path.join(ROOT, 'bin/agent-baseline.js')}`;
      const line = command
        .replace(/^(npx\s+)?agent-baseline\b/, bin)
        .replace(/\|\s*(npx\s+)?agent-baseline\b/g, `| ${bin}`);
      const run = spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8' });
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: expected, stderr: expect.any(String) });
    });
  }
});

describe('yaml and json blocks parse', () => {
  const data = blocks.filter((b) => b.lang === 'yaml' || b.lang === 'json');
  if (data.length === 0) test.skip('no yaml or json blocks', () => undefined);
  test.each(data.map((b) => [`${b.file}:${b.line}`, b] as const))('%s', (_, b) => {
    if (b.lang === 'json') expect(() => JSON.parse(b.code)).not.toThrow();
    else for (const doc of parseAllDocuments(b.code)) expect(doc.errors).toEqual([]);
  });
});
