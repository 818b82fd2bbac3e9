/**
 * The benchmark suite still runs: a smoke run (N = 50) through the real entry point. Benchmarks
 * are not tests, so nothing here looks at a timing; it checks the figures are reported.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

describe('npm run bench -- --smoke --json', () => {
  const run = spawnSync(process.execPath, ['-r', require.resolve('tsx/cjs'), 'bench/run.ts', '--smoke', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
  });

  it('exits cleanly and prints exactly one JSON object on stdout', () => {
    expect(run.stderr).toContain('[bench]');
    expect(run.status).toBe(0);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
    expect(run.stdout.trim().startsWith('{')).toBe(true);
  });

  it('reports every figure the issue asks for', () => {
    const result = JSON.parse(run.stdout);
    expect(result.notes).toEqual([]);
    expect(result.machine).toEqual(expect.objectContaining({ cores: expect.any(Number), node: process.version }));
    const keys = [
      'coldSynth.medianMs',
      'coldSynth.floorMedianMs',
      'coldSynth.ratioToFloor',
      'synth.n50.wallMs',
      'synth.n50.objectsPerSec',
      'synth.n50.peakRssMiB',
      'synth.n50.baselineWallMs',
      'synth.n50.ratioToBaseline',
      // the 1.2x target's floor: the same plain ApiObjects in a stock cdk8s App
      'synth.n50.stockCdk8sWallMs',
      'synth.n50.ratioToStockCdk8s',
      'scan.objectsPerSec',
      'scan.parseMs',
      'scan.ratioToParse',
      'pulumi.n50.registerMs',
      'coldSynth.entryRatioToFloor',
      'coldSynth.npmAloneMedianMs',
      'coldSynth.cliLoadMedianMs',
      'coldSynth.cdk8sSynthMedianMs',
      'synth.n50.cpuRatioToBaseline',
      'serializers.cdk8sYamlMs',
      'serializers.emitterMs',
      'serializers.jsonStringifyMs',
      'pulumi.n50.plainRegisterMs',
      'pulumi.n50.ratioToPlain',
      'pulumi.n50.objectsRegisterMs',
      'pulumi.n50.ratioToObjects',
      'pulumi.n50.cpuRatioToObjects',
    ];
    for (const key of keys) expect(typeof result.figures[key]).toBe('number');
    expect(result.figures['coldSynth.manifests']).toBeGreaterThan(0);
    expect(result.figures['scan.objects']).toBe(result.figures['synth.n50.objects']);
    expect(result.figures['coldSynth.outputsIdentical']).toBe(true);
    expect(result.figures['serializers.identical']).toBe(true);
    expect(result.figures['pulumi.nodeargs']).toMatch(/--stack-trace-limit=\d+/);
    // The informational floor registers the same resources as our component.
    expect(result.figures['pulumi.n50.objectsResources']).toBe(result.figures['pulumi.n50.resources']);
  });

  it('evaluates each target of the issue', () => {
    const result = JSON.parse(run.stdout);
    expect(result.targets.map((t: { id: string }) => t.id)).toEqual([
      'cold-synth-ms',
      'cold-synth-floor',
      'entry-floor',
      'n1000-ms',
      'n1000-rss',
      'n1000-baseline',
      'linear',
      'scan',
      'pulumi-n1000-plain',
      'pulumi-linear',
      // issue 17: the repository scan against the JSON.parse floor (bench/scan-repo.ts)
      'scan-repo',
      'scan-repo-rss',
    ]);
    expect(typeof result.figures['scanRepo.ratioToFloor']).toBe('number');
  });
});
