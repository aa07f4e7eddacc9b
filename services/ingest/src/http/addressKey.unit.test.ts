import { addressKey, INVALID_ADDRESS_KEY } from './addressKey';

describe('addressKey: the unit the failed-authentication guard counts', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['10.0.0.1', '10.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
  ])('IPv4 %s is counted per address', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it.each([
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['::ffff:cb00:7107', '203.0.113.7'], // the same mapped address in hex
    ['0:0:0:0:0:ffff:203.0.113.7', '203.0.113.7'],
  ])('IPv4-mapped %s is the IPv4 address %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it.each([
    ['2001:db8:1:2::a', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:1::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::203.0.113.7', '64:ff9b:0:0::/64'], // NAT64: an IPv6 prefix, not a mapped address
  ])('IPv6 %s is counted per /64 (%s)', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });

  it('two addresses of one /64 share a key; neighbouring /64s do not', () => {
    expect(addressKey('2001:db8:aa:bb::1')).toBe(addressKey('2001:db8:aa:bb:1234:5678:9abc:def0'));
    expect(addressKey('2001:db8:aa:bb::1')).not.toBe(addressKey('2001:db8:aa:bc::1'));
    expect(addressKey('2001:db8:aa:bb::1')).not.toBe(addressKey('2001:db9:aa:bb::1'));
  });

  it('an IPv4 client is one budget whether it arrives as IPv4 or mapped IPv6', () => {
    expect(addressKey('::ffff:198.51.100.1')).toBe(addressKey('198.51.100.1'));
    expect(addressKey('198.51.100.1')).not.toBe(addressKey('198.51.100.2'));
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a word', 'garbage'],
    ['three octets', '1.2.3'],
    ['two ::', '2001:db8::1::2'],
    ['a mapped octet over 255', '::ffff:999.1.1.1'],
    ['500 characters', 'a'.repeat(500)],
  ])('not an address (%s) is the one shared invalid key', (_label, ip) => {
    expect(addressKey(ip)).toBe(INVALID_ADDRESS_KEY);
  });
});
