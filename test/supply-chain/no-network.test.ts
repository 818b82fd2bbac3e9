import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { runRules } from '../../lib/rules';
import { buildDefaultPlatform } from '../../stacks/platform';
import { appObjects } from '../helpers/synth';

/** Records every attempt to open a socket or resolve a name while `work` runs. */
// The CommonJS module objects themselves, so patches are seen by every caller.
const dns = require('dns') as { lookup: unknown; promises: { lookup: unknown } };

function networkAttempts(work: () => void): string[] {
  const attempts: string[] = [];
  const originalConnect = net.Socket.prototype.connect;
  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push(`socket connect ${JSON.stringify(args[0])}`);
    throw new Error('network access during synth or scan');
  } as typeof net.Socket.prototype.connect;
  dns.lookup = (host: string) => {
    attempts.push(`dns lookup ${host}`);
    throw new Error('network access during synth or scan');
  };
  dns.promises.lookup = async (host: string) => {
    attempts.push(`dns lookup ${host}`);
    throw new Error('network access during synth or scan');
  };
  try {
    work();
  } finally {
    net.Socket.prototype.connect = originalConnect;
    dns.lookup = originalLookup;
    dns.promises.lookup = originalPromisesLookup;
  }
  return attempts;
}

describe('synth and scan make no network calls', () => {
  test('the guard itself notices a connection attempt', () => {
    expect(networkAttempts(() => expect(() => net.connect(443, '203.0.113.1')).toThrow(/network access/))).toHaveLength(
      1,
    );
  });

  test('synthesizing the default platform to disk and scanning it opens no socket', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-baseline-offline-'));
    const attempts = networkAttempts(() => {
      const app = new App({ outdir });
      buildDefaultPlatform(app);
      app.synth();
      const report = runRules(appObjects(app));
      expect(report.summary.objects).toBeGreaterThan(10);
    });
    expect(fs.readdirSync(outdir).some((f) => f.endsWith('.k8s.yaml'))).toBe(true);
    fs.rmSync(outdir, { recursive: true, force: true });
    expect(attempts).toEqual([]);
  });
});

describe('supply chain hygiene', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;

  test('engines are declared and the lockfile is committed next to package.json', () => {
    expect(pkg.engines.node).toMatch(/^>=\s*20/);
    const lock = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package-lock.json'), 'utf8')) as {
      lockfileVersion: number;
      name: string;
    };
    expect(lock.name).toBe('agent-baseline');
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
  });
});
