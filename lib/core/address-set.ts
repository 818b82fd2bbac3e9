/**
 * Sets of IP addresses, as a NetworkPolicy opens them: a union of `ipBlock`s, each minus its
 * `except`s. Exact range arithmetic over the parsed blocks of cidr.ts, so a set is judged by the
 * addresses it holds, never by how its blocks are spelled (`0.0.0.0/1` + `128.0.0.0/1` is
 * `0.0.0.0/0`; `10.1.2.3/8` is `10.0.0.0/8`; `::ffff:169.254.169.254/128` is the IPv4 address).
 * Pure: the constructs, the rule engine and the reachability evaluator share it.
 */
import { Cidr, IpFamily, cidrContains, formatIp, parseCidr } from './cidr';

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  /** IP version, 4 or 6. */
  readonly family: IpFamily;
  /** First address, as an integer. */
  readonly start: bigint;
  /** Last address (inclusive), as an integer. */
  readonly end: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const MAPPED_V4 = parseCidr('::ffff:0:0/96')!;

/**
 * The addresses of a block. An IPv4-mapped IPv6 block (`::ffff:a.b.c.d/96` and longer) is the
 * IPv4 range it maps: a dual-stack socket sends to that IPv4 address, and CNIs read it as one.
 */
export function cidrRange(c: Cidr): AddressRange {
  const size = 1n << BigInt(BITS[c.family] - c.prefix);
  if (c.family === 6 && c.prefix >= 96 && cidrContains(MAPPED_V4, c)) {
    const start = c.network & 0xffffffffn;
    return { family: 4, start, end: start + size - 1n };
  }
  return { family: c.family, start: c.network, end: c.network + size - 1n };
}

function normalize(ranges: readonly AddressRange[]): AddressRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const out: AddressRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && r.start <= last.end + 1n) {
      if (r.end > last.end) out[out.length - 1] = { ...last, end: r.end };
    } else out.push(r);
  }
  return out;
}

/** An immutable, normalized set of addresses (sorted, merged ranges per family). */
export class AddressSet {
  /** The set with no addresses. */
  public static readonly EMPTY = new AddressSet([]);

  /** Every address of both families. */
  public static all(): AddressSet {
    return new AddressSet([
      { family: 4, start: 0n, end: (1n << 32n) - 1n },
      { family: 6, start: 0n, end: (1n << 128n) - 1n },
    ]);
  }

  /** The set of CIDR blocks; undefined when one of them does not parse. */
  public static ofCidrs(texts: readonly string[]): AddressSet | undefined {
    const ranges: AddressRange[] = [];
    for (const t of texts) {
      const c = parseCidr(t);
      if (!c) return undefined;
      ranges.push(cidrRange(c));
    }
    return new AddressSet(ranges);
  }

  /**
   * Parses CIDRs known to be valid (tables in code). A typo in a table fails at module load with a
   * TypeError, never as an empty set (an empty metadata table would flag nothing); tests load every table.
   */
  public static ofKnownCidrs(texts: readonly string[]): AddressSet {
    return new AddressSet(texts.map((t) => cidrRange(parseCidr(t)!)));
  }

  /** Sorted, merged ranges, IPv4 first; two sets holding the same addresses have equal ranges. */
  public readonly ranges: readonly AddressRange[];

  private constructor(ranges: readonly AddressRange[]) {
    this.ranges = normalize(ranges);
  }

  /** True when the set holds no address. */
  public get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Addresses in either set. */
  public union(other: AddressSet): AddressSet {
    return new AddressSet([...this.ranges, ...other.ranges]);
  }

  /** Addresses of this set not in `other`. */
  public subtract(other: AddressSet): AddressSet {
    let out = [...this.ranges];
    for (const cut of other.ranges) {
      out = out.flatMap((r) => {
        if (r.family !== cut.family || cut.end < r.start || cut.start > r.end) return [r];
        const parts: AddressRange[] = [];
        if (cut.start > r.start) parts.push({ ...r, end: cut.start - 1n });
        if (cut.end < r.end) parts.push({ ...r, start: cut.end + 1n });
        return parts;
      });
    }
    return new AddressSet(out);
  }

  /** Addresses in both sets. */
  public intersect(other: AddressSet): AddressSet {
    const out: AddressRange[] = [];
    for (const a of this.ranges) {
      for (const b of other.ranges) {
        if (a.family !== b.family) continue;
        const start = a.start > b.start ? a.start : b.start;
        const end = a.end < b.end ? a.end : b.end;
        if (start <= end) out.push({ family: a.family, start, end });
      }
    }
    return new AddressSet(out);
  }

  /** True when every address of `other` is in this set. */
  public covers(other: AddressSet): boolean {
    return other.subtract(this).isEmpty;
  }

  /** True when at least one address is in both sets. */
  public overlaps(other: AddressSet): boolean {
    return !this.intersect(other).isEmpty;
  }

  /** Number of addresses of one family. */
  public size(family: IpFamily): bigint {
    return this.ranges.filter((r) => r.family === family).reduce((n, r) => n + (r.end - r.start + 1n), 0n);
  }

  /** The set as the fewest CIDR blocks, in canonical text (for messages). */
  public toCidrs(): string[] {
    const out: string[] = [];
    for (const r of this.ranges) {
      const bits = BITS[r.family];
      let start = r.start;
      while (start <= r.end) {
        let prefix = bits;
        // Grow the block while it stays aligned and inside the range.
        while (prefix > 0) {
          const size = 1n << BigInt(bits - prefix + 1);
          if (start % size !== 0n || start + size - 1n > r.end) break;
          prefix--;
        }
        out.push(`${formatIp(r.family, start)}/${prefix}`);
        start += 1n << BigInt(bits - prefix);
      }
    }
    return out;
  }
}

/** The addresses an `ipBlock` (`cidr` minus `except`) opens; undefined when a block does not parse. */
export function ipBlockSet(cidr: unknown, except: readonly unknown[] = []): AddressSet | undefined {
  if (typeof cidr !== 'string' || except.some((e) => typeof e !== 'string')) return undefined;
  const block = AddressSet.ofCidrs([cidr]);
  const cut = AddressSet.ofCidrs(except as string[]);
  return block && cut ? block.subtract(cut) : undefined;
}
