'use strict';
/**
 * Compiles a TypeScript entry point ahead with esbuild and runs it from V8's code cache; shared by
 * scripts/synth.js (the cdk8s app) and the benchmark (its Pulumi child).
 *
 * The bundle is rebuilt whenever any input's size or mtime differs from the build's record (the
 * esbuild metafile plus a few config files), so it never runs stale sources: a fresh clone, a `git
 * pull` or an edit rebuilds on the next run.
 */
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');
const { isAscii } = require('buffer');

const ROOT = path.resolve(__dirname, '..');
/** Inputs outside the import graph that change what a bundle does. */
const EXTRA_INPUTS = ['scripts/bundle.js', 'package-lock.json', 'tsconfig.json'];

/**
 * @param {string} entry  entry point relative to the repository root
 * @param {string} name   output folder under build/
 * @param {{ external?: boolean }} options  external: leave node_modules to `require` (needed when
 *   the program must share module instances with a host, as a Pulumi program with the language host)
 */
function bundle(entry, name, options = {}) {
  const out = path.join(ROOT, 'build', name);
  return {
    file: path.join(out, 'main.js'),
    record: path.join(out, 'inputs.json'),
    cache: path.join(out, 'main.js.v8-cache'),
    out,
    entry,
    external: options.external === true,
  };
}

/**
 * The absolute path of an input named relative to ROOT (as the esbuild metafile names them). Plain
 * concatenation: path.join's normalising of the ~480 inputs was half of isFresh (about 8 ms of
 * every run under load); a path that climbs out of ROOT or is absolute still goes through it.
 */
function inputPath(file) {
  return file.includes('..') || path.isAbsolute(file) ? path.join(ROOT, file) : `${ROOT}/${file}`;
}

function stamp(file) {
  const st = fs.statSync(inputPath(file));
  return [st.size, st.mtimeMs];
}

function isFresh(b) {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(b.record, 'utf8'));
    fs.accessSync(b.file);
  } catch {
    return false;
  }
  if (record.node !== process.version || record.entry !== b.entry || record.external !== b.external) return false;
  for (const [file, [size, mtime]] of Object.entries(record.inputs)) {
    try {
      const [s, m] = stamp(file);
      if (s !== size || m !== mtime) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Packages npm installed more than once, every copy at the same version (cdk8s nests its own yaml
 * 2.9.1 beside the app's yaml 2.9.1), read from package-lock.json and checked against each copy's
 * package.json on disk. The bundle takes them once, from the top-level copy (esbuild resolves an
 * alias from the working directory): the same code, but one module instance to load and warm up
 * instead of two. Returns the esbuild `alias` map and the package.json files it relies on.
 */
function sameVersionCopies() {
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  } catch {
    return { alias: {}, manifests: [] };
  }
  const copies = new Map();
  for (const [where, meta] of Object.entries(lock.packages ?? {})) {
    const at = where.lastIndexOf('node_modules/');
    if (at < 0 || meta.link) continue;
    const name = where.slice(at + 'node_modules/'.length);
    if (!copies.has(name)) copies.set(name, []);
    copies.get(name).push(where);
  }
  const alias = {};
  const manifests = [];
  for (const [name, wheres] of copies) {
    if (wheres.length < 2 || !wheres.includes(`node_modules/${name}`)) continue;
    const files = wheres.map((w) => `${w}/package.json`);
    const versions = files.map((f) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')).version;
      } catch {
        return undefined;
      }
    });
    if (versions.every((v) => typeof v === 'string' && v === versions[0])) {
      alias[name] = name;
      manifests.push(...files);
    }
  }
  return { alias, manifests };
}

function build(b) {
  const esbuild = require('esbuild');
  const copies = b.external ? { alias: {}, manifests: [] } : sameVersionCopies();
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: [b.entry],
    bundle: true,
    packages: b.external ? 'external' : undefined,
    alias: copies.alias,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    outfile: b.file,
    metafile: true,
    // Linked, not inline: no cost unless run with --enable-source-maps.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  asciiOnly(esbuild, b.file);
  // Stored wrapped as Module.wrap would wrap it: V8 compiles the file's string as read (external,
  // off the heap) instead of copying a 2.4 MB concatenation into the heap on every run.
  fs.writeFileSync(b.file, Module.wrap(fs.readFileSync(b.file, 'latin1')), 'latin1');
  const files = [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS, ...copies.manifests].filter((f) =>
    fs.existsSync(inputPath(f)),
  );
  const inputs = Object.fromEntries(files.map((f) => [f, stamp(f)]));
  fs.rmSync(b.cache, { force: true });
  fs.writeFileSync(b.record, JSON.stringify({ node: process.version, entry: b.entry, external: b.external, inputs }));
}

/**
 * Escapes, as `\uXXXX`, the non-ASCII characters esbuild leaves in comments (its default `charset:
 * 'ascii'` escapes them in code, but not in comments, regular expression literals or raw template
 * strings). A pure-ASCII file becomes a one-byte string in V8 instead of a two-byte one of twice
 * the size: about 4 ms less to read and hash the 2.7 MB synth bundle on every run. Done only when
 * every such character is in a comment: the program minified (which drops comments; esbuild writes
 * its own whitespace) must be pure ASCII. Otherwise the bundle stays as esbuild wrote it.
 */
function asciiOnly(esbuild, file) {
  const text = fs.readFileSync(file, 'utf8');
  const nonAscii = /[\u0080-\uffff]/;
  if (!nonAscii.test(text)) return;
  if (nonAscii.test(esbuild.transformSync(text, { loader: 'js', minifyWhitespace: true, legalComments: 'none' }).code))
    return;
  fs.writeFileSync(
    file,
    text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}

function ensureBuilt(b) {
  if (!isFresh(b)) build(b);
  return b.file;
}

/**
 * Runs the bundle as `require` would, but through vm.Script with V8's code cache (Node 20 has no
 * module.enableCompileCache). V8 rejects a cache made for other source or another V8, and the run
 * then compiles as usual and writes a new one; the cache is written after the program ran, so it
 * holds the functions it compiled, not only the top level. Returns the module's exports.
 */
function run(b) {
  ensureBuilt(b);
  let cachedData;
  try {
    cachedData = fs.readFileSync(b.cache);
  } catch {
    cachedData = undefined;
  }
  // An ASCII file (asciiOnly) decodes as latin1 to the same string, without UTF-8's work: ~2.5 ms.
  const bytes = fs.readFileSync(b.file);
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new vm.Script(source, { filename: b.file, cachedData });
  const mod = new Module(b.file, module);
  mod.filename = b.file;
  mod.paths = Module._nodeModulePaths(b.out);
  require.cache[b.file] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(b.file), mod, b.file, b.out);
  mod.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    const tmp = `${b.cache}.${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, b.cache);
  }
  return mod.exports;
}

module.exports = { ROOT, bundle, ensureBuilt, build, run };

/**
 * `node [node options] scripts/bundle.js [--external] <entry> <name> [-- program args]`: builds if
 * stale and runs the entry compiled, with the program's own argv (the benchmark's children).
 */
if (require.main === module) {
  const argv = process.argv.slice(2);
  const external = argv[0] === '--external';
  const [entry, name, ...rest] = external ? argv.slice(1) : argv;
  const programArgs = rest[0] === '--' ? rest.slice(1) : rest;
  process.argv = [process.argv[0], path.join(ROOT, entry), ...programArgs];
  run(bundle(entry, name, { external }));
}
