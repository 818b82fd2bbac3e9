'use strict';
// cdk8s-cli requires validation plugins as plain JS; tsx transpiles the TypeScript engine on load.
require('tsx/cjs');
module.exports = require('../cdk8s-plugin.ts');
