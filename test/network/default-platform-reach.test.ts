import { Testing } from 'cdk8s';
import {
  Endpoint,
  FlowProtocol,
  buildClusterModel,
  evaluateFlow,
  findWorkload,
  ingressSources,
} from '../../lib/network/reachability';
import { buildDefaultPlatform } from '../../stacks/platform';
import { synthAll } from './helpers';

const { platform } = buildDefaultPlatform(Testing.app());
const objects = synthAll(platform);
const model = buildClusterModel(objects);

const assistant = findWorkload(model, 'agents', 'assistant');
const toolRunner = findWorkload(model, 'agents', 'tool-runner');
const pod = (namespace: string, labels: Record<string, string>, name: string): Endpoint => ({
  kind: 'pod',
  namespace,
  labels,
  name,
});
const kubeDns: Endpoint = {
  kind: 'pod',
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  name: 'kube-dns',
};
const vault = pod('vault', { 'app.kubernetes.io/name': 'vault' }, 'vault');
const intruder = pod('agents', { app: 'intruder' }, 'intruder in agents');
const foreign = pod('other', { app: 'x' }, 'pod in other');
const spoofed = pod('other', { ...assistant.labels }, 'assistant look-alike in other');
const ip = (address: string): Endpoint => ({ kind: 'address', address });
// The Envoy proxies Envoy Gateway runs for the platform's Gateway, and look-alikes that are not them.
const gatewayLabels = {
  'gateway.envoyproxy.io/owning-gateway-name': 'agents-edge',
  'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway',
};
const gatewayProxy = pod('envoy-gateway-system', gatewayLabels, 'proxies of Gateway gateway/agents-edge');
const otherGatewayProxy = pod(
  'envoy-gateway-system',
  { ...gatewayLabels, 'gateway.envoyproxy.io/owning-gateway-name': 'other' },
  'proxies of another Gateway',
);
const controller = pod('envoy-gateway-system', { 'control-plane': 'envoy-gateway' }, 'Envoy Gateway controller');
const proxyLookAlike = pod('gateway', gatewayLabels, 'gateway labels in the gateway namespace');

const cases: [string, Endpoint, Endpoint, number, FlowProtocol, boolean][] = [
  ['assistant -> LLM API address :443', assistant, ip('203.0.113.10'), 443, 'TCP', true],
  ['assistant -> whole LLM range :443', assistant, ip('203.0.113.0/24'), 443, 'TCP', true],
  ['assistant -> LLM API :80', assistant, ip('203.0.113.10'), 80, 'TCP', false],
  ['assistant -> LLM API 443/UDP', assistant, ip('203.0.113.10'), 443, 'UDP', false],
  ['assistant -> wider range than the LLM API', assistant, ip('203.0.112.0/23'), 443, 'TCP', false],
  ['assistant -> other internet host :443', assistant, ip('198.51.100.1'), 443, 'TCP', false],
  ['assistant -> cloud metadata :80', assistant, ip('169.254.169.254'), 80, 'TCP', false],
  ['assistant -> cloud metadata :443', assistant, ip('169.254.169.254'), 443, 'TCP', false],
  ['assistant -> AWS IMDS IPv6 :80', assistant, ip('fd00:ec2::254'), 80, 'TCP', false],
  ['assistant -> private network :443', assistant, ip('10.0.0.1'), 443, 'TCP', false],
  ['assistant -> IPv6 internet :443', assistant, ip('2001:db8::1'), 443, 'TCP', false],
  ['assistant -> kube-dns 53/UDP', assistant, kubeDns, 53, 'UDP', true],
  ['assistant -> kube-dns 53/TCP', assistant, kubeDns, 53, 'TCP', true],
  ['assistant -> kube-dns :80', assistant, kubeDns, 80, 'TCP', false],
  ['assistant -> Vault :8200', assistant, vault, 8200, 'TCP', true],
  ['assistant -> Vault :8201', assistant, vault, 8201, 'TCP', false],
  ['assistant -> tool-runner http :8081', assistant, toolRunner, 8081, 'TCP', true],
  ['assistant -> tool-runner :8080', assistant, toolRunner, 8080, 'TCP', false],
  ['assistant -> intruder pod', assistant, intruder, 8080, 'TCP', false],
  ['tool-runner -> assistant :8080', toolRunner, assistant, 8080, 'TCP', false],
  ['tool-runner -> LLM API :443', toolRunner, ip('203.0.113.10'), 443, 'TCP', false],
  ['tool-runner -> internet :443', toolRunner, ip('0.0.0.0/0'), 443, 'TCP', false],
  ['tool-runner -> IPv6 internet :443', toolRunner, ip('::/0'), 443, 'TCP', false],
  ['tool-runner -> public host :443', toolRunner, ip('8.8.8.8'), 443, 'TCP', false],
  ['tool-runner -> kube-dns 53/UDP', toolRunner, kubeDns, 53, 'UDP', true],
  ['tool-runner -> Vault :8200', toolRunner, vault, 8200, 'TCP', false],
  ['tool-runner -> cloud metadata :80', toolRunner, ip('169.254.169.254'), 80, 'TCP', false],
  ['intruder in agents -> tool-runner :8081', intruder, toolRunner, 8081, 'TCP', false],
  ['pod in another namespace -> tool-runner :8081', foreign, toolRunner, 8081, 'TCP', false],
  ['assistant look-alike in another namespace -> tool-runner', spoofed, toolRunner, 8081, 'TCP', false],
  ['intruder in agents -> assistant :8080', intruder, assistant, 8080, 'TCP', false],
  ['kube-dns -> assistant :8080', kubeDns, assistant, 8080, 'TCP', false],
  ['internet -> assistant :8080', ip('198.51.100.7'), assistant, 8080, 'TCP', false],
  ['gateway proxies -> assistant http :8080', gatewayProxy, assistant, 8080, 'TCP', true],
  ['gateway proxies -> assistant :9090', gatewayProxy, assistant, 9090, 'TCP', false],
  ['gateway proxies -> tool-runner :8081', gatewayProxy, toolRunner, 8081, 'TCP', false],
  ["another Gateway's proxies -> assistant :8080", otherGatewayProxy, assistant, 8080, 'TCP', false],
  ['Envoy Gateway controller -> assistant :8080', controller, assistant, 8080, 'TCP', false],
  ['gateway labels outside the proxy namespace -> assistant', proxyLookAlike, assistant, 8080, 'TCP', false],
];

describe('reachability of the default platform', () => {
  test.each(cases)('%s', (_name, from, to, port, protocol, expected) => {
    const result = evaluateFlow(model, { from, to, port, protocol });
    expect(result.allowed).toBe(expected);
  });

  test('every agent pod is selected by its own policy in both directions', () => {
    for (const workload of [assistant, toolRunner]) {
      const name = workload.name!.split('/')[1];
      const out = evaluateFlow(model, { from: workload, to: ip('198.51.100.1'), port: 443 });
      const into = evaluateFlow(model, { from: ip('198.51.100.1'), to: workload, port: 8080 });
      expect(out.egress.selectedBy).toEqual(['agents/default-deny', `agents/${name}`]);
      expect(into.ingress.selectedBy).toEqual(['agents/default-deny', `agents/${name}`]);
    }
  });

  test('the verdict names the policy that allows the flow', () => {
    const result = evaluateFlow(model, { from: assistant, to: toolRunner, port: 8081 });
    expect(result.egress.allowedBy).toEqual(['agents/assistant#egress[3]']);
    expect(result.ingress.allowedBy).toEqual(['agents/tool-runner#ingress[0]']);
  });

  test("the gateway's proxies are the only way into the assistant; the tool-runner has no way in from outside", () => {
    expect(ingressSources(model, assistant, 8080)).toEqual({
      open: false,
      sources: [
        {
          rule: 'agents/assistant#ingress[0]',
          peer: 'proxies of Gateway gateway/agents-edge in namespace envoy-gateway-system',
          outsideNamespace: true,
        },
      ],
    });
    const toolRunnerWays = ingressSources(model, toolRunner, 8081);
    expect(toolRunnerWays.open).toBe(false);
    expect(toolRunnerWays.sources.filter((s) => s.outsideNamespace)).toEqual([]);
    expect(ingressSources(model, toolRunner, 8081).sources.map((s) => s.peer)).toEqual([
      'pods {app.kubernetes.io/instance=assistant, app.kubernetes.io/name=assistant} in namespace agents',
    ]);
  });
});
