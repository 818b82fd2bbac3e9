#!/usr/bin/env node
'use strict';
// Installed package: runs the compiled CLI (build/), no TypeScript loader. Source checkout (the .ts
// file is present, it is not published): runs the sources through tsx's transpile-only hook, so a
// developer never runs a stale build.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'lib', 'cli', 'index.ts');
if (fs.existsSync(source)) {
  require('tsx/cjs');
  require(source).main(process.argv);
} else {
  require('../build/lib/cli/index.js').main(process.argv);
}
