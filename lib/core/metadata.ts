/**
 * Addresses a pod must never reach: cloud metadata and credential endpoints, per provider, and
 * the ranges internet egress must keep out. One table: the constructs refuse grants that reach
 * them and the rule engine flags policies that do.
 * Sources: each provider's instance-metadata documentation (AWS IMDS and EKS Pod Identity, GCP
 * metadata server, Azure IMDS and WireServer, Oracle OCI, Alibaba ECS, DigitalOcean, OpenStack,
 * Tencent, Scaleway, Hetzner, Linode, Vultr, IBM Cloud).
 */
import { AddressSet } from './address-set';
import { IpFamily } from './cidr';
import { NODE_LOCAL_DNS_IP } from './baseline';

/** A cloud metadata or credential endpoint: reaching it can yield node or cloud credentials. */
export interface MetadataEndpoint {
  /** The address (IPv4 or IPv6). */
  readonly address: string;
  /** Providers that serve metadata or credentials there. */
  readonly providers: readonly string[];
}

/**
 * Every known metadata and credential endpoint, per provider; egress reaching any of them is refused and
 * flagged.
 */
export const CLOUD_METADATA_ENDPOINTS: readonly MetadataEndpoint[] = [
  {
    address: '169.254.169.254',
    providers: [
      'AWS',
      'GCP',
      'Azure',
      'Oracle',
      'DigitalOcean',
      'OpenStack',
      'Hetzner',
      'Linode',
      'Vultr',
      'IBM Cloud',
      'Huawei',
    ],
  },
  { address: 'fd00:ec2::254', providers: ['AWS (IMDS over IPv6)'] },
  { address: '169.254.170.2', providers: ['AWS (ECS task credentials)'] },
  { address: '169.254.170.23', providers: ['AWS (EKS Pod Identity)'] },
  { address: 'fd00:ec2::23', providers: ['AWS (EKS Pod Identity over IPv6)'] },
  { address: 'fd20:ce::254', providers: ['GCP (metadata over IPv6)'] },
  { address: '168.63.129.16', providers: ['Azure (WireServer)'] },
  { address: '100.100.100.200', providers: ['Alibaba Cloud'] },
  { address: '192.0.0.192', providers: ['Oracle (legacy metadata)'] },
  { address: '169.254.0.23', providers: ['Tencent Cloud'] },
  { address: '169.254.42.42', providers: ['Scaleway'] },
  { address: 'fd00:42::42', providers: ['Scaleway (IPv6)'] },
];

/** Link-local ranges: node-local services (metadata among them). Only NodeLocal DNSCache's address is allowed. */
export const LINK_LOCAL_CIDRS: readonly string[] = ['169.254.0.0/16', 'fe80::/10'];

/** Private and shared ranges internet egress must except (cluster, node and VPC networks live here). */
export const PRIVATE_CIDRS: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
];

/** Not routable on the internet; what is left of the address space is "the internet". */
const NON_PUBLIC_CIDRS: readonly string[] = [
  ...PRIVATE_CIDRS,
  ...LINK_LOCAL_CIDRS,
  '0.0.0.0/8',
  '127.0.0.0/8',
  '192.0.0.0/24',
  '198.18.0.0/15',
  '224.0.0.0/3',
  '::/3',
  '4000::/2',
  '8000::/1',
];

/** The public internet of each family (IPv6: global unicast 2000::/3 minus nothing routable elsewhere). */
export const PUBLIC_INTERNET: AddressSet = AddressSet.ofKnownCidrs(['0.0.0.0/0', '::/0']).subtract(
  AddressSet.ofKnownCidrs(NON_PUBLIC_CIDRS),
);

/**
 * A set opening at least this many public addresses counts as internet egress: a /8 of IPv4, a
 * /28 of IPv6. Halves, quarters and other unions of wide blocks are the internet by another
 * spelling; a provider range an agent really needs is far smaller.
 */
export const INTERNET_WIDE_ADDRESSES: Readonly<Record<IpFamily, bigint>> = { 4: 1n << 24n, 6: 1n << 100n };

const LINK_LOCAL = AddressSet.ofKnownCidrs(LINK_LOCAL_CIDRS);
const PRIVATE = AddressSet.ofKnownCidrs(PRIVATE_CIDRS);
const NODE_LOCAL_DNS = AddressSet.ofKnownCidrs([`${NODE_LOCAL_DNS_IP}/32`]);
/** GKE Cloud DNS answers at the metadata address; an explicit platform setting allows it on port 53 only. */
export const METADATA_DNS_ADDRESS = '169.254.169.254';
const METADATA_DNS = AddressSet.ofKnownCidrs([`${METADATA_DNS_ADDRESS}/32`]);

function hostSet(address: string): AddressSet {
  return AddressSet.ofKnownCidrs([`${address}/${address.includes(':') ? 128 : 32}`]);
}
const ENDPOINT_SETS = CLOUD_METADATA_ENDPOINTS.map((e) => ({ endpoint: e, set: hostSet(e.address) }));
const METADATA = ENDPOINT_SETS.reduce((acc, e) => acc.union(e.set), AddressSet.EMPTY);

/**
 * What an address set reaches that it must not: a metadata endpoint, another link-local address, or the
 * internet with private ranges.
 */
export type AddressProblemKind = 'metadata' | 'link-local' | 'internet-private';

/** One reason an egress address set is refused or flagged. */
export interface AddressProblem {
  /** Which sort of problem. */
  readonly kind: AddressProblemKind;
  /** What the set effectively allows, in words. */
  readonly message: string;
}

/** Options of {@link egressAddressProblems} and {@link ipBlockProblems}. */
export interface AddressCheckOptions {
  /**
   * The egress is DNS only (port 53) and the platform declares DNS at the metadata address (GKE
   * Cloud DNS): 169.254.169.254/32 alone is then allowed. @default false
   */
  readonly metadataDns?: boolean;
}

/** True when the set opens the internet of some family (see {@link INTERNET_WIDE_ADDRESSES}). */
export function internetWide(set: AddressSet): IpFamily[] {
  const pub = set.intersect(PUBLIC_INTERNET);
  return ([4, 6] as const).filter((f) => pub.size(f) >= INTERNET_WIDE_ADDRESSES[f]);
}

/**
 * What is wrong with egress to this address set: each metadata endpoint it reaches and the
 * link-local addresses it reaches besides NodeLocal DNSCache. Empty when the set is acceptable.
 */
export function egressAddressProblems(set: AddressSet, options: AddressCheckOptions = {}): AddressProblem[] {
  const problems: AddressProblem[] = [];
  // The GKE exception holds only when the metadata address is the one link-local address opened.
  const dnsException =
    options.metadataDns === true &&
    set.intersect(LINK_LOCAL).subtract(NODE_LOCAL_DNS).covers(METADATA_DNS) &&
    METADATA_DNS.covers(set.intersect(LINK_LOCAL).subtract(NODE_LOCAL_DNS));
  for (const { endpoint, set: host } of ENDPOINT_SETS) {
    if (!set.overlaps(host)) continue;
    if (dnsException && endpoint.address === METADATA_DNS_ADDRESS) continue;
    problems.push({
      kind: 'metadata',
      message: `reaches the cloud metadata address ${endpoint.address} (${endpoint.providers.join(', ')}): node and cloud credentials`,
    });
  }
  const otherLinkLocal = set.intersect(LINK_LOCAL).subtract(NODE_LOCAL_DNS).subtract(METADATA);
  if (!otherLinkLocal.isEmpty)
    problems.push({
      kind: 'link-local',
      message: `reaches link-local ${otherLinkLocal.toCidrs().slice(0, 3).join(', ')}${otherLinkLocal.toCidrs().length > 3 ? ', …' : ''}: node-local services; only NodeLocal DNSCache ${NODE_LOCAL_DNS_IP} is allowed`,
    });
  return problems;
}

/**
 * One ipBlock that opens the internet must except the private ranges too (the cluster, node and
 * VPC networks). Judged per block: a separate, bounded grant of a private address is legitimate.
 */
export function internetPrivateProblem(block: AddressSet): AddressProblem | undefined {
  const wide = internetWide(block);
  const priv = block.intersect(PRIVATE);
  if (wide.length === 0 || priv.isEmpty) return undefined;
  const cidrs = priv.toCidrs();
  return {
    kind: 'internet-private',
    message: `opens the internet (${wide.map((f) => `IPv${f}`).join(', ')}) together with private ${cidrs.slice(0, 3).join(', ')}${cidrs.length > 3 ? ', …' : ''}: internet egress must except the private ranges`,
  };
}

/** Every problem of one ipBlock (cidr minus except): {@link egressAddressProblems} and {@link internetPrivateProblem}. */
export function ipBlockProblems(block: AddressSet, options: AddressCheckOptions = {}): AddressProblem[] {
  const privateProblem = internetPrivateProblem(block);
  return [...egressAddressProblems(block, options), ...(privateProblem ? [privateProblem] : [])];
}

/**
 * What internet egress excepts, per family: link-local and private ranges, and every metadata
 * endpoint outside them (Azure WireServer, Oracle's legacy address). Derived from the tables
 * above, so a new endpoint is excepted everywhere at once.
 */
function internetExcepts(family: 4 | 6): string[] {
  const inFamily = (c: string) => c.includes(':') === (family === 6);
  const ranges = [...LINK_LOCAL_CIDRS, ...PRIVATE_CIDRS].filter(inFamily);
  const covered = AddressSet.ofKnownCidrs(ranges);
  const hosts = CLOUD_METADATA_ENDPOINTS.map((e) => e.address)
    .filter((a) => inFamily(a) && !covered.covers(hostSet(a)))
    .map((a) => `${a}/${family === 6 ? 128 : 32}`);
  return [...ranges, ...hosts];
}
/**
 * IPv4 ranges internet egress (`0.0.0.0/0`) excepts: link-local, private, and metadata endpoints outside
 * them.
 */
export const METADATA_AND_PRIVATE_IPV4: readonly string[] = internetExcepts(4);
/** IPv6 ranges internet egress (`::/0`) excepts: link-local, private, and metadata endpoints outside them. */
export const METADATA_AND_PRIVATE_IPV6: readonly string[] = internetExcepts(6);

/**
 * Ranges a bounded CIDR grant gets excepted automatically when it is strictly wider than them:
 * the link-local ranges, and the metadata endpoints outside them. A block inside link-local gets
 * nothing excepted: it is refused for what it reaches.
 */
export const AUTO_EXCEPT_CIDRS: readonly string[] = [
  ...LINK_LOCAL_CIDRS,
  ...CLOUD_METADATA_ENDPOINTS.filter((e) => !LINK_LOCAL.covers(hostSet(e.address))).map(
    (e) => `${e.address}/${e.address.includes(':') ? 128 : 32}`,
  ),
];

/**
 * A port range at least this wide counts as every port: `1-65535`, `1024-65535` and the like are a
 * port-less allow-all by another spelling. The constructs refuse such ranges; the rule engine
 * judges rules with them as port-less.
 */
export const WIDE_PORT_RANGE = 1024;

/** True when a NetworkPolicy port entry (`port`, `endPort`) spans {@link WIDE_PORT_RANGE} ports or more. */
export function isWidePortRange(port: unknown, endPort: unknown): boolean {
  return typeof port === 'number' && typeof endPort === 'number' && endPort - port + 1 >= WIDE_PORT_RANGE;
}

/**
 * Labels (and the pod annotation `sidecar.istio.io/inject`) that take a pod or namespace out of the
 * Istio dataplane. Mesh policies on such pods are emitted but nothing enforces them: the rule
 * engine flags it (AGT-MeshOptOut) and the constructs refuse these labels under the mesh.
 */
export const MESH_OPT_OUT: Readonly<Record<string, string>> = {
  'sidecar.istio.io/inject': 'false',
  'istio.io/dataplane-mode': 'none',
  'istio-injection': 'disabled',
};

/** The `key: value` that opts out of the mesh, or undefined. */
export function meshOptOutOf(labels: Readonly<Record<string, unknown>>): string | undefined {
  const key = Object.keys(MESH_OPT_OUT).find((k) => labels[k] === MESH_OPT_OUT[k]);
  return key ? `${key}: "${MESH_OPT_OUT[key]}"` : undefined;
}
