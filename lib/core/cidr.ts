/**
 * IPv4 and IPv6 addresses and CIDR blocks as numbers, so containment and overlap are exact
 * arithmetic rather than string games. Pure: the constructs, the rule engine and the
 * reachability evaluator all share it.
 */

export type IpFamily = 4 | 6;

/** A parsed CIDR block. `network` has the host bits cleared. */
export interface Cidr {
  /** IP version, 4 or 6. */
  readonly family: IpFamily;
  /** Network address, as an integer. */
  readonly network: bigint;
  /** Prefix length in bits. */
  readonly prefix: number;
  /** True when the text had host bits set (`10.0.0.1/8`): valid for Kubernetes, but probably a typo. */
  readonly hostBitsSet: boolean;
  /** Canonical text: `10.0.0.0/8`, `fd00:ec2::254/128`. */
  readonly text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some parsers read them as octal.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6Groups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
    } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseIpv6Groups(halves[0]);
  const tail = halves.length === 2 ? parseIpv6Groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 address (no zone, no prefix). */
export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  if (typeof text !== 'string' || text.length > 64) return undefined;
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function mask(family: IpFamily, prefix: number): bigint {
  const bits = BITS[family];
  return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** Renders an address in canonical form (RFC 5952 for IPv6). */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i > 1) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
}

/**
 * Parsed blocks by text. The same few blocks (provider ranges, the API server, Vault) are parsed
 * for every agent and again by the rules; the result depends on the text alone and is read-only.
 * Bounded, so a long scan of many distinct blocks does not grow it without limit.
 */
const PARSED = new Map<string, Cidr | undefined>();
const PARSED_LIMIT = 4096;

/** Parses `addr/prefix`; returns undefined when it is not a CIDR block. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  if (PARSED.has(text)) return PARSED.get(text);
  const block = parseCidrText(text);
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  PARSED.set(text, block === undefined ? undefined : Object.freeze(block));
  return block;
}

function parseCidrText(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > BITS[ip.family]) return undefined;
  const network = ip.value & mask(ip.family, prefix);
  return {
    family: ip.family,
    network,
    prefix,
    hostBitsSet: network !== ip.value,
    text: `${formatIp(ip.family, network)}/${prefix}`,
  };
}

/** A single address as a host route (`/32` or `/128`). */
export function hostCidr(text: string): Cidr | undefined {
  const ip = parseIp(text);
  return ip ? parseCidr(`${text}/${BITS[ip.family]}`) : undefined;
}

/** True when `inner` lies entirely within `outer` (equal blocks included). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  return (inner.network & mask(outer.family, outer.prefix)) === outer.network;
}

/** True when the blocks share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** True when the address lies in the block. */
export function cidrContainsIp(outer: Cidr, ip: string): boolean {
  const host = hostCidr(ip);
  return host !== undefined && cidrContains(outer, host);
}
