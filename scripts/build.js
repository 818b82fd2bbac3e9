#!/usr/bin/env node
'use strict';
/**
 * Builds the published package: CommonJS + .d.ts from tsc into build/, then one ESM wrapper per
 * `exports` entry. A wrapper imports the CommonJS module and re-exports its names, so CommonJS and
 * ESM consumers share one copy of module state (one Construct class, one rule registry).
 *
 * Run by `npm run build` and by `prepack`.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const build = path.join(root, 'build');

fs.rmSync(build, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const cjs = path.join(root, target.require);
  const esm = path.join(root, target.import);
  // Loading the module is the only exact way to list its names (tsc's `export *` is a runtime loop).
  const names = Object.keys(require(cjs))
    .filter((n) => n !== 'default' && n !== '__esModule' && IDENTIFIER.test(n))
    .sort();
  const from = path.relative(path.dirname(esm), cjs).split(path.sep).join('/');
  const lines = [
    `// ESM face of ${pkg.name}${subpath === '.' ? '' : subpath.slice(1)}: re-exports the CommonJS build (one module state).`,
    `import cjs from '${from.startsWith('.') ? from : './' + from}';`,
    names.length ? `export const { ${names.join(', ')} } = cjs;` : '',
    'export default cjs;',
    '',
  ];
  fs.mkdirSync(path.dirname(esm), { recursive: true });
  fs.writeFileSync(esm, lines.filter((l) => l !== '').join('\n') + '\n');
}
console.error(`build: ${Object.keys(pkg.exports).length} entry points written to ${path.relative(root, build)}/`);
