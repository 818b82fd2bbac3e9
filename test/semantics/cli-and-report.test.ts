/** The new options through the real CLI binary, and the new rules in the catalogue and compliance report. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { runRules, ruleCatalogue, toMarkdown } from '../../lib/rules';
import { Obj, find, goodSet } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const NEW_RULES = [
  'API-RemovedVersion',
  'AGT-NetworkPolicyScope',
  'AGT-LiteralSecret',
  'AGT-ForeignSecret',
  'AGT-ForeignServiceAccount',
  'AGT-GuardrailServiceAccount',
  'AGT-CredentialValue',
  'AGT-CredentialInPod',
  'AGT-PsaVersionPin',
  'AGT-MeshOptOut',
  'AGT-LlmGatewayBypass',
  'RBAC-SecretWrite',
  'RBAC-NamespaceWrite',
  'RBAC-NetworkPolicyWrite',
  'RBAC-PersistentVolumeCreate',
  'RBAC-Aggregation',
];

function write(objects: Obj[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-sem-cli-'));
  const file = path.join(dir, 'set.yaml');
  fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  return file;
}

describe('the CLI options', () => {
  const bin = path.join(ROOT, 'bin', 'agent-baseline.js');
  const node = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: ROOT, encoding: 'utf8' });

  it('--kubernetes-version judges PSA pins and removed APIs against the target', () => {
    const set = goodSet();
    find(set, 'Namespace', 'agents').metadata.labels['pod-security.kubernetes.io/enforce-version'] = 'v1.30';
    const file = write(set);
    expect(node(['scan', file]).status).toBe(0);
    const r = node(['scan', file, '--kubernetes-version', '1.33']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('below the target 1.33');
    const bad = node(['scan', file, '--kubernetes-version', '1.2']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("kubernetesVersion '1.2' is not a supported 1.<minor>");
  });

  it('--metadata-dns allows 169.254.169.254/32 on port 53 only', () => {
    const set = goodSet();
    set.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'gke-dns', namespace: 'agents' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: 53, protocol: 'UDP' }] }],
      },
    });
    const file = write(set);
    const without = node(['scan', file]);
    expect(without.status).toBe(1);
    expect(without.stdout).toContain('reaches the cloud metadata address 169.254.169.254');
    expect(node(['scan', file, '--metadata-dns']).status).toBe(0);
  });
});

describe('the new rules are catalogued and reported', () => {
  it('each is in the catalogue with a fix and at least one control', () => {
    const rules = new Map(ruleCatalogue().flatMap((p) => p.rules.map((r) => [r.id, r] as const)));
    for (const id of NEW_RULES) {
      const rule = rules.get(id);
      expect(rule).toBeDefined();
      expect(rule?.references.length).toBeGreaterThan(0);
    }
  });

  it('each appears in the compliance report under its controls', () => {
    const report = runRules(goodSet() as never);
    const markdown = toMarkdown(report);
    for (const id of NEW_RULES) expect(markdown).toContain(id);
  });
});
