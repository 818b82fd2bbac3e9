#!/usr/bin/env node
'use strict';
/**
 * One-process synthesis (`npm run synth`), byte-identical to `cdk8s synth` (see docs/performance.md).
 *
 *   node scripts/synth.js [--output DIR]   what `cdk8s synth` does, in this process: empty the output
 *                                          folder, run the app (compiled), check the rule packs ran
 *                                          over the whole App in memory, else run them over the files
 *   node scripts/synth.js --app            cdk8s.yaml's `app`: run the compiled app only (cdk8s sets the env)
 *   node scripts/synth.js --build          only (re)build the bundle (npm's `prepare` runs this)
 *
 * The app (main.ts and everything it imports, node_modules included) is bundled by esbuild into
 * build/synth/main.js. The bundle is rebuilt whenever any input's size or mtime differs from the
 * build's record (the esbuild metafile), so it can never run stale sources: a fresh clone, a `git
 * pull` or an edit all rebuild on the next run (about 0.3 s).
 */
const fs = require('fs');
const Module = require('module');
const path = require('path');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'build', 'synth');
const BUNDLE = path.join(OUT, 'main.js');
const RECORD = path.join(OUT, 'inputs.json');
/** V8's code cache for the bundle: skips parsing and compiling what the last run compiled. */
const CODE_CACHE = path.join(OUT, 'main.js.v8-cache');
const ENTRY = 'main.ts';
/** Inputs outside the import graph that change what the bundle does. */
const EXTRA_INPUTS = ['scripts/synth.js', 'package-lock.json', 'tsconfig.json'];

function stamp(file) {
  const st = fs.statSync(path.join(ROOT, file));
  return [st.size, st.mtimeMs];
}

function isFresh() {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(RECORD, 'utf8'));
    fs.accessSync(BUNDLE);
  } catch {
    return false;
  }
  if (record.node !== process.version) return false;
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

function build() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    outfile: BUNDLE,
    metafile: true,
    // Linked, not inline: no cost unless run with --enable-source-maps.
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const files = [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS].filter((f) =>
    fs.existsSync(path.join(ROOT, f)),
  );
  const inputs = Object.fromEntries(files.map((f) => [f, stamp(f)]));
  fs.rmSync(CODE_CACHE, { force: true });
  fs.writeFileSync(RECORD, JSON.stringify({ node: process.version, inputs }));
}

/**
 * Runs the bundle as `require` would, but through vm.Script with V8's code cache (Node 20 has no
 * module.enableCompileCache). V8 rejects a cache made for other source or another V8, and the run
 * then compiles as usual and writes a new one; the cache is written after the app ran, so it holds
 * the functions synthesis compiled, not only the top level.
 */
function runBundle() {
  let cachedData;
  try {
    cachedData = fs.readFileSync(CODE_CACHE);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(BUNDLE, 'utf8')), { filename: BUNDLE, cachedData });
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  mod.paths = Module._nodeModulePaths(OUT);
  require.cache[BUNDLE] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, OUT);
  mod.loaded = true;
  if (cachedData === undefined || script.cachedDataRejected) {
    const tmp = `${CODE_CACHE}.${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, CODE_CACHE);
  }
}

function ensureBuilt() {
  if (!isFresh()) build();
}

function configValue(text, key) {
  const m = new RegExp(`^${key}:[ \\t]*([^#\\n]*?)[ \\t]*$`, 'm').exec(text);
  return m ? m[1].replace(/^['"]|['"]$/g, '') : undefined;
}

/** Runs the plugin over the written manifests when the app did not validate the whole App in memory. */
async function pluginPass(outdir) {
  const { AgentBaselineValidation, validatedInProcess } = require('../lib/rules/plugin');
  const manifests = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.yaml')) manifests.push(p);
    }
  };
  walk(outdir);
  if (validatedInProcess(manifests, {})) return true;
  const yaml = require('yaml');
  const violations = [];
  let status = 'failure';
  await new AgentBaselineValidation({}).validate({
    manifests,
    parseManifest: (f) => yaml.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS()),
    report: { addViolation: (v) => violations.push(v), submit: (s) => (status = s) },
  });
  for (const v of violations) {
    for (const r of v.violatingResources)
      process.stderr.write(
        `[${v.ruleName}] ${r.manifestPath} ${r.resourceName} at ${r.locations.join(', ')}: ${v.recommendation}. Fix: ${v.fix}\n`,
      );
  }
  return status === 'success';
}

async function synth(argv) {
  const config = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8');
  const at = argv.findIndex((a) => a === '--output' || a === '-o');
  const outdir = path.resolve(at >= 0 ? argv[at + 1] : (configValue(config, 'output') ?? 'dist'));
  const validations = /^validations:/m.test(config);
  const plugins = [...config.matchAll(/^\s*-?\s*package:\s*(\S+)/gm)].map((m) => m[1]);
  if (plugins.some((p) => p !== './lib/rules/plugin'))
    throw new Error(`cdk8s.yaml names validation plugins other than ./lib/rules/plugin: run \`npx cdk8s synth\``);
  ensureBuilt();
  // What `cdk8s synth` does before and around the app (cdk8s-cli lib/cli/cmds/synth.js, lib/util.js).
  fs.rmSync(outdir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = outdir;
  process.env.CDK8S_RECORD_CONSTRUCT_METADATA ??= validations ? 'true' : 'false';
  if (validations) process.env.AGENT_BASELINE_VALIDATE_WHOLE_APP = 'true';
  runBundle();
  if (!fs.existsSync(outdir)) throw new Error(`synthesis failed: the app did not create ${outdir}`);
  if (validations && !(await pluginPass(outdir))) {
    process.stderr.write('Validation failed. See above for details\n');
    process.exitCode = 2;
  }
}

async function main(argv) {
  if (argv.includes('--build')) return build();
  if (argv.includes('--app')) {
    ensureBuilt();
    return runBundle();
  }
  return synth(argv);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
