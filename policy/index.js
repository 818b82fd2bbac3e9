'use strict';
// Entry of the CrossGuard policy pack (package.json `main`): `pulumi preview --policy-pack
// node_modules/agent-baseline/policy`. The installed package runs the compiled pack; a source
// checkout (index.ts present, it is not published) loads the sources through tsx.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, 'index.ts');
if (fs.existsSync(source)) {
  require('tsx/cjs');
  require(source);
} else {
  require('../build/policy/index.js');
}
