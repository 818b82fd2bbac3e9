'use strict';
// The cdk8s validation plugin of the installed package. In your cdk8s.yaml:
//   validations:
//     - package: ./node_modules/agent-baseline/plugin
//       version: <the installed version>
//       class: AgentBaselineValidation
// cdk8s-cli requires plugins by path as plain JavaScript; a source checkout (the .ts file is
// present, it is not published) loads the sources through tsx instead of a possibly stale build.
const fs = require('fs');
const path = require('path');

const source = path.join(__dirname, '..', 'lib', 'rules', 'cdk8s-plugin.ts');
if (fs.existsSync(source)) {
  require('tsx/cjs');
  module.exports = require(source);
} else {
  module.exports = require('../build/lib/rules/cdk8s-plugin.js');
}
