import {
  cidrContains,
  cidrContainsIp,
  cidrOverlaps,
  formatIp,
  hostCidr,
  parseCidr,
  parseIp,
} from '../../lib/core/cidr';

const c = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};

describe('parseCidr', () => {
  test.each([
    ['10.0.0.0/8', '10.0.0.0/8', 4, 8, false],
    ['10.1.2.3/8', '10.0.0.0/8', 4, 8, true],
    ['0.0.0.0/0', '0.0.0.0/0', 4, 0, false],
    ['169.254.169.254/32', '169.254.169.254/32', 4, 32, false],
    ['::/0', '::/0', 6, 0, false],
    ['fd00:ec2::254/128', 'fd00:ec2::254/128', 6, 128, false],
    ['2001:DB8:0:0:0:0:0:0/32', '2001:db8::/32', 6, 32, false],
    ['::ffff:192.0.2.1/128', '::ffff:c000:201/128', 6, 128, false],
    ['fe80::1/10', 'fe80::/10', 6, 10, true],
  ])('%s parses as %s', (text, canonical, family, prefix, hostBitsSet) => {
    expect(parseCidr(text)).toEqual(expect.objectContaining({ text: canonical, family, prefix, hostBitsSet }));
  });

  test.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '256.0.0.0/8',
    '10.0.0/8',
    '010.0.0.0/8',
    '::/129',
    '1:2:3:4:5:6:7:8:9/64',
    '1::2::3/64',
    'abc/8',
    '10.0.0.0/-1',
    '10.0.0.0/08',
    '',
  ])('refuses %s', (text) => expect(parseCidr(text)).toBeUndefined());
});

test('parseIp and formatIp round-trip both families', () => {
  expect(parseIp('192.0.2.10')).toEqual({ family: 4, value: 0xc000020an });
  expect(parseIp('not-an-ip')).toBeUndefined();
  expect(formatIp(6, parseIp('2001:db8:0:0:1:0:0:1')!.value)).toBe('2001:db8::1:0:0:1');
  expect(formatIp(6, 0n)).toBe('::');
  expect(hostCidr('203.0.113.7')?.text).toBe('203.0.113.7/32');
  expect(hostCidr('::1')?.text).toBe('::1/128');
});

test('containment and overlap', () => {
  expect(cidrContains(c('10.0.0.0/8'), c('10.1.0.0/16'))).toBe(true);
  expect(cidrContains(c('10.1.0.0/16'), c('10.0.0.0/8'))).toBe(false);
  expect(cidrContains(c('10.0.0.0/8'), c('10.0.0.0/8'))).toBe(true);
  expect(cidrContains(c('0.0.0.0/0'), c('::/0'))).toBe(false);
  expect(cidrContains(c('::/0'), c('fd00:ec2::254/128'))).toBe(true);
  expect(cidrContains(c('fc00::/7'), c('fd00:ec2::254/128'))).toBe(true);
  expect(cidrOverlaps(c('10.1.0.0/16'), c('10.0.0.0/8'))).toBe(true);
  expect(cidrOverlaps(c('10.0.0.0/8'), c('192.168.0.0/16'))).toBe(false);
  expect(cidrContainsIp(c('169.254.0.0/16'), '169.254.169.254')).toBe(true);
  expect(cidrContainsIp(c('169.254.0.0/16'), '169.255.0.1')).toBe(false);
  expect(cidrContainsIp(c('169.254.0.0/16'), 'bogus')).toBe(false);
});
