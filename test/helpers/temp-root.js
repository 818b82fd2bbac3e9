'use strict';
/**
 * Jest globalSetup/globalTeardown: every temporary directory a test makes (os.tmpdir() follows
 * TMPDIR) lands under one root made for the run and removed after it, so test runs leave nothing
 * in the machine's /tmp whether or not each test cleans up after itself.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const KEY = 'AGENT_BASELINE_TEST_TMP';

async function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-jest-'));
  process.env[KEY] = root;
  process.env.TMPDIR = root;
}

async function teardown() {
  const root = process.env[KEY];
  if (root) fs.rmSync(root, { recursive: true, force: true });
}

module.exports = { setup, teardown };
