import { BlockList, isIPv4 } from 'node:net';

// Optional allowlist of the addresses a source calls from (exact addresses or CIDR ranges).

export class AddressAllowlist {
  private readonly list = new BlockList();
  readonly enabled: boolean;

  constructor(entries: readonly string[]) {
    this.enabled = entries.length > 0;
    for (const entry of entries) {
      const [addr = '', bits] = entry.split('/');
      const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
      if (bits === undefined) this.list.addAddress(addr, type);
      else this.list.addSubnet(addr, Number(bits), type);
    }
  }

  allows(address: string | undefined): boolean {
    if (!this.enabled) return true;
    if (!address) return false;
    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (v4) return this.list.check(v4, 'ipv4');
    return this.list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  }
}
