import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { REACH_EXIT, runReach } from '../../lib/cli/reach';
import { buildDefaultPlatform } from '../../stacks/platform';

const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-dist-'));
const app = new App({ outdir: dist });
buildDefaultPlatform(app);
app.synth();

function run(args: { from?: string; to: string; port: string }, dir = dist) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runReach(
    dir,
    { from: args.from, to: args.to, port: args.port },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out, err };
}

afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

describe('runReach', () => {
  test('without --from: the ways into a workload, the gateway only for the exposed assistant', () => {
    const r = run({ to: 'agents/assistant', port: '8080' });
    expect(r.code).toBe(REACH_EXIT.allowed);
    expect(r.out).toEqual([
      'WAYS IN: Deployment agents/assistant port 8080/TCP',
      '  outside proxies of Gateway gateway/agents-edge in namespace envoy-gateway-system (agents/assistant#ingress[0])',
    ]);
    const closed = run({ to: 'agents/assistant', port: '9090' });
    expect(closed.code).toBe(REACH_EXIT.denied);
    expect(closed.out).toEqual([
      'CLOSED: Deployment agents/assistant port 9090/TCP: no NetworkPolicy rule admits any source',
    ]);
    expect(run({ to: '10.0.0.1', port: '80' }).err).toEqual([
      "agent-baseline reach: --to: invalid value '10.0.0.1'; expected NS/NAME of a workload",
    ]);
  });

  test('allowed flow: exit 0 and the deciding policies', () => {
    const r = run({ from: 'agents/assistant', to: 'agents/tool-runner', port: '8081' });
    expect(r.code).toBe(REACH_EXIT.allowed);
    expect(r.out).toEqual([
      'ALLOWED: Deployment agents/assistant -> Deployment agents/tool-runner port 8081/TCP',
      'egress of Deployment agents/assistant: allowed by agents/assistant#egress[3]',
      'ingress of Deployment agents/tool-runner: allowed by agents/tool-runner#ingress[0]',
    ]);
  });

  test('denied flow: exit 1 and the selecting policies', () => {
    const r = run({ from: 'agents/assistant', to: '169.254.169.254', port: '80' });
    expect(r.code).toBe(REACH_EXIT.denied);
    expect(r.out[1]).toBe(
      'egress of Deployment agents/assistant: denied; selected by agents/default-deny, agents/assistant, and no rule of theirs allows it',
    );
  });

  test('CIDR destination and protocol', () => {
    expect(run({ from: 'agents/assistant', to: '203.0.113.0/24', port: '443/tcp' }).code).toBe(REACH_EXIT.allowed);
    expect(run({ from: 'agents/tool-runner', to: 'kube-system/coredns', port: '53/UDP' }).code).toBe(
      REACH_EXIT.badInput,
    );
  });

  test.each([
    [
      { from: 'agents/assistant', to: '203.0.113.1', port: '0' },
      "--port: invalid value '0'; expected N or N/PROTO with N from 1 to 65535 and PROTO TCP, UDP or SCTP",
    ],
    [{ from: 'agents/assistant', to: '203.0.113.1', port: '443/icmp' }, "--port: invalid value '443/icmp'"],
    [
      { from: 'assistant', to: '203.0.113.1', port: '443' },
      "--from: invalid value 'assistant'; expected NS/NAME of a workload",
    ],
    [
      { from: 'agents/nope', to: '203.0.113.1', port: '443' },
      '--from: no workload agents/nope in the manifests (workloads: agents/assistant, agents/tool-runner)',
    ],
    [
      { from: 'agents/assistant', to: '300.1.1.1/8', port: '443' },
      "--to: invalid value '300.1.1.1/8'; expected NS/NAME of a workload, an IP address or a CIDR block",
    ],
  ])('bad arguments exit 2: %j', (args, message) => {
    const r = run(args);
    expect(r.code).toBe(REACH_EXIT.badInput);
    expect(r.err.join('\n')).toContain(message);
  });

  test('bad manifests exit 2 with file and line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-bad-'));
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\n---\nkind: [unclosed\n');
    const r = run({ from: 'a/b', to: '1.2.3.4', port: '1' }, dir);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(REACH_EXIT.badInput);
    expect(r.err[0]).toMatch(/^agent-baseline reach: .*bad\.yaml:5:1: invalid YAML: /);
    expect(run({ from: 'a/b', to: '1.2.3.4', port: '1' }, '/nonexistent-dir').err).toEqual([
      'agent-baseline reach: /nonexistent-dir: cannot read (ENOENT)',
    ]);
  });
});

describe('the reach command as a process', () => {
  const bin = path.join(__dirname, '../../bin/agent-baseline.js');
  const spawn = (...args: string[]) => spawnSync(process.execPath, [bin, 'reach', ...args], { encoding: 'utf8' });

  test.each([
    [['--from', 'agents/assistant', '--to', '203.0.113.10', '--port', '443'], 0, /^ALLOWED/],
    [['--from', 'agents/tool-runner', '--to', '1.1.1.1', '--port', '443'], 1, /^DENIED/],
    [['--from', 'agents/assistant', '--to', '1.1.1.1', '--port', 'x'], 2, /--port: invalid value 'x'/],
    [['--from', 'agents/assistant', '--to', '1.1.1.1'], 2, /required option '--port <n\[\/proto\]>' not specified/],
  ])('%j exits %d', (args, code, output) => {
    const r = spawn(dist, ...args);
    expect(r.status).toBe(code);
    expect(r.stdout + r.stderr).toMatch(output);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
