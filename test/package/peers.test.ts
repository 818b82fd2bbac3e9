/**
 * One copy of each construct library: a second copy of cdk8s or constructs, or an unsupported
 * version, fails at construction with a message naming the library and the fix, not later in synth
 * with "can't render non-simple object of type 'Lazy'".
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AgentApp, AgentPlatform } from '../../lib/platform';
import { AgentBaselineError } from '../../lib/core';
import { satisfiesRange, supportedPeerRanges } from '../../lib/platform/peers';

const ROOT = path.join(__dirname, '../..');
let tmp: string;

/** A second install of `libs` (copied from ours), as a nested node_modules or a symlinked checkout would give. */
function secondCopy(dir: string, libs: string[], linked: string[] = []): string {
  const nm = path.join(tmp, dir, 'node_modules');
  fs.mkdirSync(nm, { recursive: true });
  for (const lib of libs) fs.cpSync(path.join(ROOT, 'node_modules', lib), path.join(nm, lib), { recursive: true });
  for (const lib of linked) fs.symlinkSync(path.join(ROOT, 'node_modules', lib), path.join(nm, lib));
  return nm;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-peers-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('a scope from a second copy of a construct library', () => {
  test.each([
    ['cdk8s and constructs copied', ['cdk8s', 'constructs'], [], /second copy of constructs/],
    ['only cdk8s copied (constructs shared)', ['cdk8s'], ['constructs'], /App comes from a second copy of cdk8s/],
  ])('%s: refused at AgentPlatform construction with the fix', (dir, libs, linked, what) => {
    const nm = secondCopy(dir.replace(/\W+/g, '-'), libs, linked);
    const theirs = require(path.join(nm, 'cdk8s')) as typeof import('cdk8s');
    const app = new theirs.App();
    let error: unknown;
    try {
      new AgentPlatform(app as never, 'platform');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentBaselineError);
    const message = (error as Error).message;
    expect(message).toMatch(what);
    expect(message).toMatch(/cannot render each other's objects/);
    expect(message).toMatch(/npm ls cdk8s constructs cdk8s-plus-28/);
    expect(message).toMatch(/peer dependencies/);
  });

  test('a Chart from a second cdk8s copy between the App and the platform is refused too', () => {
    const nm = secondCopy('chart-copy', ['cdk8s'], ['constructs']);
    const theirs = require(path.join(nm, 'cdk8s')) as typeof import('cdk8s');
    const app = new AgentApp();
    const chart = new theirs.Chart(app as never, 'theirs');
    expect(() => new AgentPlatform(chart as never, 'platform')).toThrow(/Chart comes from a second copy of cdk8s/);
  });

  test('the same copies pass', () => {
    expect(() => new AgentPlatform(new AgentApp(), 'platform')).not.toThrow();
  });
});

describe('an unsupported version of a peer', () => {
  test('an old cdk8s-plus-28 is refused with its folder, the supported range and the install command', () => {
    jest.isolateModules(() => {
      jest.doMock('cdk8s-plus-28', () => {
        const real = jest.requireActual('cdk8s-plus-28');
        class OldConfigMap extends real.ConfigMap {}
        Object.defineProperty(OldConfigMap, Symbol.for('jsii.rtti'), {
          value: { fqn: 'cdk8s-plus-28.ConfigMap', version: '2.0.0' },
        });
        return { ...real, ConfigMap: OldConfigMap };
      });
      const peers = require('../../lib/platform/peers') as typeof import('../../lib/platform/peers');
      expect(() => peers.checkLoadedPeers('AgentApp')).toThrow(
        `agent-baseline loaded cdk8s-plus-28 2.0.0 from ${path.dirname(require.resolve('cdk8s-plus-28/package.json'))}, an unsupported version; install a supported one in your app (\`npm install cdk8s-plus-28@"${supportedPeerRanges()['cdk8s-plus-28']}"\`)`,
      );
    });
    jest.dontMock('cdk8s-plus-28');
  });

  test('the version checked for cdk8s-plus-28 is the one its package.json declares', () => {
    const { ConfigMap } = jest.requireActual<typeof import('cdk8s-plus-28')>('cdk8s-plus-28');
    const declared = (require('cdk8s-plus-28/package.json') as { version: string }).version;
    expect((ConfigMap as unknown as Record<symbol, { version: string }>)[Symbol.for('jsii.rtti')].version).toBe(
      declared,
    );
  });

  test('an old cdk8s is refused with the supported range and the install command', () => {
    jest.isolateModules(() => {
      jest.doMock('cdk8s', () => {
        const real = jest.requireActual('cdk8s');
        class OldApp extends real.App {}
        Object.defineProperty(OldApp, Symbol.for('jsii.rtti'), { value: { fqn: 'cdk8s.App', version: '2.40.0' } });
        return { ...real, App: OldApp };
      });
      const peers = require('../../lib/platform/peers') as typeof import('../../lib/platform/peers');
      expect(() => peers.checkLoadedPeers('AgentApp')).toThrow(
        `agent-baseline loaded cdk8s 2.40.0 from ${require.resolve('cdk8s')}, an unsupported version; install a supported one in your app (\`npm install cdk8s@"${supportedPeerRanges().cdk8s}"\`)`,
      );
    });
  });

  test('the supported ranges are package.json peerDependencies', () => {
    const pkg = require('../../package.json') as { peerDependencies: Record<string, string> };
    expect(supportedPeerRanges()).toEqual({
      cdk8s: pkg.peerDependencies.cdk8s,
      constructs: pkg.peerDependencies.constructs,
      'cdk8s-plus-28': pkg.peerDependencies['cdk8s-plus-28'],
    });
  });

  test.each([
    ['2.70.106', '^2.70.0', true],
    ['2.70.0', '^2.70.0', true],
    ['2.69.9', '^2.70.0', false],
    ['3.0.0', '^2.70.0', false],
    ['1.99.0', '^2.70.0', false],
    ['0.5.1', '^0.5.0', true],
    ['0.6.0', '^0.5.0', false],
    ['10.8.1', '>=10.3.0', true],
    ['10.2.0', '>=10.3.0', false],
    ['2.5.6', '2.5.6', true],
    ['2.5.7', '2.5.6', false],
    ['garbage', '^2.0.0', false],
  ])('%s satisfies %s: %s', (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });
});
