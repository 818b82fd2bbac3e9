/**
 * The public entry points: package.json `exports` is the one list; tsconfig `paths` and jest's
 * `moduleNameMapper` map the same names to the sources; every concern folder is an entry point;
 * the project's own app and stacks import only through them, as a user would.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.join(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, string | { types: string; import: string; require: string }>;
};
const entries = Object.entries(pkg.exports).flatMap(([subpath, t]) =>
  typeof t === 'string' ? [] : [{ subpath, ...t }],
);
const specifier = (subpath: string) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`);
const sourceOf = (target: string) => './' + target.replace(/^\.\/build\//, '').replace(/\.js$/, '.ts');

test('every entry point has types, an ESM face and a CommonJS build of one existing source file', () => {
  for (const e of entries) {
    expect(fs.existsSync(path.join(ROOT, sourceOf(e.require)))).toBe(true);
    expect(e.types).toBe(e.require.replace(/\.js$/, '.d.ts'));
    expect(e.import).toBe(`./build/esm/${e.subpath === '.' ? 'index' : e.subpath.slice(2)}.mjs`);
  }
});

test('typesVersions gives TypeScript with node10 resolution (no exports support) the same types', () => {
  const { typesVersions } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    typesVersions: Record<string, Record<string, string[]>>;
  };
  expect(typesVersions).toEqual({
    '*': Object.fromEntries(
      entries.filter((e) => e.subpath !== '.').map((e) => [e.subpath.slice(2), [e.types.slice(2)]]),
    ),
  });
});

/** Folders below the concerns (see .dependency-cruiser.cjs), reached only through them. */
const INTERNAL_FOLDERS = new Set(['common']);

test('every concern folder lib/<x>/index.ts is an entry point named after it; internal folders are not', () => {
  for (const folder of INTERNAL_FOLDERS) expect([folder, pkg.exports[`./${folder}`]]).toEqual([folder, undefined]);
  const folders = fs
    .readdirSync(path.join(ROOT, 'lib'), { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() && !INTERNAL_FOLDERS.has(d.name) && fs.existsSync(path.join(ROOT, 'lib', d.name, 'index.ts')),
    )
    .map((d) => d.name);
  for (const folder of folders) {
    expect([folder, pkg.exports[`./${folder}`]]).toEqual([
      folder,
      expect.objectContaining({ require: `./build/lib/${folder}/index.js` }),
    ]);
  }
});

test('tsconfig paths name exactly the entry points, mapped to their sources', () => {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  };
  expect(tsconfig.compilerOptions.paths).toEqual(
    Object.fromEntries(entries.map((e) => [specifier(e.subpath), [sourceOf(e.require)]])),
  );
});

test('main.ts and stacks/ import the library only by its package name', () => {
  const files = ['main.ts', ...fs.readdirSync(path.join(ROOT, 'stacks')).map((f) => `stacks/${f}`)];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const deep = [...text.matchAll(/from '([^']+)'/g)]
      .map((m) => m[1]!)
      .filter(
        (s) => s.includes('lib/') || (s.startsWith(pkg.name) && !entries.some((e) => specifier(e.subpath) === s)),
      );
    expect([file, deep]).toEqual([file, []]);
  }
});
