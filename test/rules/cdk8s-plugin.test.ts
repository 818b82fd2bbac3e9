import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { AgentBaselineValidation, PluginContext } from '../../lib/rules/cdk8s-plugin';

const FIXTURES = path.join(__dirname, '../fixtures/bad-manifests');

/** A ValidationContext as cdk8s-cli hands it to plugins, recording what the plugin reports. */
function context(files: string[]) {
  const violations: Parameters<PluginContext['report']['addViolation']>[0][] = [];
  const submitted: Array<{ status: string; metadata?: Record<string, string> }> = [];
  const ctx: PluginContext = {
    manifests: files,
    parseManifest: (file) => parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()),
    report: {
      addViolation: (v) => violations.push(v),
      submit: (status, metadata) => submitted.push({ status, metadata }),
    },
  };
  return { ctx, violations, submitted };
}

describe('the cdk8s validation plugin', () => {
  test('the plain-JS shim cdk8s.yaml names runs the plugin class when nothing was validated in process', async () => {
    const shim = require('../../lib/rules/plugin') as { AgentBaselineValidation: typeof AgentBaselineValidation };
    expect(fs.readFileSync(path.join(__dirname, '../../cdk8s.yaml'), 'utf8')).toMatch(
      /package: \.\/lib\/rules\/plugin\n\s+version: [\d.]+\n\s+class: AgentBaselineValidation/,
    );
    const files = [
      path.join(FIXTURES, 'good.yaml'),
      ...fs
        .readdirSync(FIXTURES)
        .filter((f) => f.startsWith('agt-'))
        .slice(0, 3)
        .map((f) => path.join(FIXTURES, f)),
    ];
    const viaShim = context(files);
    const direct = context(files);
    await new shim.AgentBaselineValidation().validate(viaShim.ctx);
    await new AgentBaselineValidation().validate(direct.ctx);
    expect(viaShim.violations.length).toBeGreaterThan(0);
    expect(viaShim.violations).toEqual(direct.violations);
    expect(viaShim.submitted).toEqual(direct.submitted);
  });

  test('a clean manifest set succeeds with no violation', async () => {
    const { ctx, violations, submitted } = context([path.join(FIXTURES, 'good.yaml')]);
    await new AgentBaselineValidation().validate(ctx);
    expect(violations).toEqual([]);
    expect(submitted).toEqual([
      {
        status: 'success',
        metadata: expect.objectContaining({ packs: 'pss-restricted,hardening,rbac,agent,api-versions' }),
      },
    ]);
  });

  test('a failing manifest is reported per rule with the resource, file and path, and the run fails', async () => {
    const file = path.join(FIXTURES, 'pss-privileged.yaml');
    const { ctx, violations, submitted } = context([file]);
    await new AgentBaselineValidation().validate(ctx);
    expect(violations).toContainEqual(
      expect.objectContaining({
        ruleName: 'PSS-privileged',
        fix: expect.stringMatching(/privileged/),
        violatingResources: [
          expect.objectContaining({
            manifestPath: file,
            locations: [expect.stringMatching(/securityContext\.privileged$/)],
          }),
        ],
      }),
    );
    expect(submitted.map((s) => s.status)).toEqual(['failure']);
  });
});
