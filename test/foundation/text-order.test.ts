import { compareText } from '../../lib/core';

/** The root/en collation compareText must reproduce for the strings it orders by code unit. */
const collated = (a: string, b: string): number => Math.sign(a.localeCompare(b, 'en'));
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789./-'.split('');

/** A small deterministic generator (mulberry32), so a failure names a reproducible pair. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('compareText orders as localeCompare does', () => {
  test('every pair of strings of up to two characters of [a-z0-9./-]', () => {
    const strings = [''];
    for (const a of ALPHABET) {
      strings.push(a);
      for (const b of ALPHABET) strings.push(a + b);
    }
    const wrong: string[] = [];
    for (const a of strings)
      for (const b of strings) if (Math.sign(compareText(a, b)) !== collated(a, b)) wrong.push(`${a} ${b}`);
    expect(wrong).toEqual([]);
  });

  test('random longer pairs with a shared prefix', () => {
    const next = random(18);
    const word = () =>
      Array.from({ length: Math.floor(next() * 14) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
    const wrong: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const prefix = word();
      const [a, b] = [prefix + word(), prefix + word()];
      if (Math.sign(compareText(a, b)) !== collated(a, b)) wrong.push(`${a} ${b}`);
    }
    expect(wrong).toEqual([]);
  });

  test.each([
    ['agents/researcher', 'agents/planner'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/component'],
    ['team-a/agent-1', 'team-a/agent-10'],
    ['team-a/agent-2', 'team-a/agent-10'],
    ['a-b', 'a.b'],
    ['a/b', 'a-b'],
  ])('names and label keys: %s vs %s', (a, b) => {
    expect(Math.sign(compareText(a, b))).toBe(collated(a, b));
    expect(Math.sign(compareText(b, a))).toBe(collated(b, a));
    expect(compareText(a, a)).toBe(0);
  });

  // Outside [a-z0-9./-] the code-unit order differs from the collation: these go to localeCompare.
  test.each([
    ['B', 'a'],
    ['Agent', 'agent'],
    ['a_b', 'a-b'],
    ['a:b', 'a0'],
    ['CVE-2024-2', 'cve-2024-10'],
    ['caf\u00e9', 'cafe'],
    ['\u00e9', 'f'],
  ])('other characters follow localeCompare: %s vs %s', (a, b) => {
    expect(compareText(a, b)).toBe(a.localeCompare(b));
    expect(compareText(b, a)).toBe(b.localeCompare(a));
  });
});
