#!/usr/bin/env node
'use strict';
// Loads the TypeScript sources through tsx's transpile-only CJS hook: no type-checking at run time.
require('tsx/cjs');
require('../lib/cli/index.ts').main(process.argv);
