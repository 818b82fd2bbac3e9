'use strict';
/**
 * cdk8s-cli requires validation plugins as plain JS. This shim first looks for the marker AgentApp
 * writes when one in-process run of the same rule packs covered every object it wrote
 * (VALIDATED_MARKER_FILE in lib/platform/app.ts). The second pass is skipped only when every
 * manifest cdk8s hands over is listed in that marker with the same SHA-256, no manifest is
 * missing from it, and the plugin's options equal the recorded ones. In every other case (a plain
 * App, a partial run, a file edited or added after synthesis, other options) tsx is loaded and
 * the engine parses and checks every manifest, as before. Plain JS so the fast path loads nothing.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const MARKER_FILE = 'agent-baseline-validated.json';

/** Same normalization as markerOptions() in lib/platform/app.ts (test/platform/synth-entry.test.ts holds them equal). */
function markerOptions(p) {
  return {
    failOn: p.failOn ?? 'error',
    packs: p.packs && p.packs.length > 0 ? [...p.packs] : 'default',
    pssVersion: p.pssVersion ?? null,
    requireSandbox: p.requireSandbox ?? false,
    sandboxRuntimeClasses: p.sandboxRuntimeClasses ? [...p.sandboxRuntimeClasses] : null,
  };
}

/** The marker next to (or above) the manifests, or undefined. */
function findMarker(manifests) {
  if (manifests.length === 0) return undefined;
  let dir = path.resolve(path.dirname(manifests[0]));
  for (let depth = 0; depth < 8; depth++) {
    const file = path.join(dir, MARKER_FILE);
    if (fs.existsSync(file)) return { dir, file };
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/** True when the in-process run already checked exactly these files with these options. */
function validatedInProcess(manifests, properties) {
  try {
    const found = findMarker(manifests);
    if (!found) return false;
    const marker = JSON.parse(fs.readFileSync(found.file, 'utf8'));
    if (marker.validatedBy !== 'agent-baseline' || marker.version !== 1) return false;
    if (JSON.stringify(marker.options) !== JSON.stringify(markerOptions(properties))) return false;
    const listed = Object.keys(marker.manifests ?? {});
    if (listed.length !== manifests.length) return false;
    return manifests.every((m) => {
      const rel = path.relative(found.dir, path.resolve(m)).split(path.sep).join('/');
      const hash = crypto.createHash('sha256').update(fs.readFileSync(m, 'utf8'), 'utf8').digest('hex');
      return marker.manifests[rel] === hash;
    });
  } catch {
    return false;
  }
}

class AgentBaselineValidation {
  constructor(properties = {}) {
    this.properties = properties;
  }

  async validate(ctx) {
    if (validatedInProcess(ctx.manifests, this.properties)) {
      ctx.report.submit('success', { validatedInProcess: `every manifest matches ${MARKER_FILE}` });
      return;
    }
    require('tsx/cjs');
    const { AgentBaselineValidation: Full } = require('../cdk8s-plugin.ts');
    await new Full(this.properties).validate(ctx);
  }
}

module.exports = { AgentBaselineValidation, validatedInProcess, markerOptions, MARKER_FILE };
