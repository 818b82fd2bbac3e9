#!/usr/bin/env node
'use strict';
/**
 * `npm test`: type-check, lint, the unit tests (jest.config.js), then the consumer test
 * (jest.consumer.config.js: pack, install into a scratch app, use it as a user would).
 *
 * Extra arguments go to both jest runs. With `--json --outputFile=<file>` (as .ci/run passes), each
 * run writes its own report and <file> gets both merged, so the counts cover both runs.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);

function step(command, commandArgs) {
  const r = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit' });
  return r.status === null ? 1 : r.status;
}

const tsc = require.resolve('typescript/bin/tsc');
const jest = require.resolve('jest/bin/jest');
if (step(process.execPath, [tsc, '--noEmit']) !== 0) process.exit(1);
if (step('npm', ['run', 'lint']) !== 0) process.exit(1);

const outIndex = args.findIndex((a) => a === '--outputFile' || a.startsWith('--outputFile='));
const outputFile =
  outIndex < 0 ? undefined : args[outIndex].includes('=') ? args[outIndex].split('=')[1] : args[outIndex + 1];
const passThrough =
  outIndex < 0 ? args : args.filter((_, i) => i !== outIndex && !(i === outIndex + 1 && !args[outIndex].includes('=')));

const runs = [
  { name: 'unit', config: 'jest.config.js' },
  { name: 'consumer', config: 'jest.consumer.config.js' },
];
let status = 0;
for (const run of runs) {
  run.report = outputFile && `${outputFile}.${run.name}.json`;
  const out = run.report ? [`--outputFile=${run.report}`] : [];
  status = step(process.execPath, [jest, '--ci', '--config', run.config, ...passThrough, ...out]) || status;
}

if (outputFile) {
  const reports = runs.map((r) => {
    try {
      return JSON.parse(fs.readFileSync(r.report, 'utf8'));
    } catch {
      // A run that wrote no report (it crashed) counts as one failed test.
      return { numFailedTests: 1, numTotalTests: 1, success: false, testResults: [] };
    }
  });
  const sum = (key) => reports.reduce((n, r) => n + (r[key] ?? 0), 0);
  const merged = {
    success: reports.every((r) => r.success),
    numTotalTestSuites: sum('numTotalTestSuites'),
    numPassedTestSuites: sum('numPassedTestSuites'),
    numFailedTestSuites: sum('numFailedTestSuites'),
    numTotalTests: sum('numTotalTests'),
    numPassedTests: sum('numPassedTests'),
    numFailedTests: sum('numFailedTests'),
    numPendingTests: sum('numPendingTests'),
    runs: Object.fromEntries(
      runs.map((r, i) => [r.name, { passed: reports[i].numPassedTests, failed: reports[i].numFailedTests }]),
    ),
    testResults: reports.flatMap((r) => r.testResults ?? []),
  };
  fs.writeFileSync(outputFile, JSON.stringify(merged));
  for (const r of runs) fs.rmSync(r.report, { force: true });
}
process.exit(status);
