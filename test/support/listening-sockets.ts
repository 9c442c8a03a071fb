import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A socket a process listens on. */
export interface Socket {
  address: string;
  port: number;
}

function decodeAddress(hex: string): string {
  // /proc/net prints each 32-bit word of the address in host (little-endian)
  // order.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)),
  );
  if (bytes.length === 4) {
    return bytes.join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  }
  return groups.join(':');
}

/**
 * Every socket a process listens on (TCP listening, UDP bound), read from
 * /proc, lowest port first: this catches a listener that no config
 * mentions, which probing known ports cannot. Linux only.
 */
export function listeningSockets(pid: number): Socket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(
        readlinkSync(`/proc/${pid}/fd/${fd}`),
      );
      if (match?.[1]) {
        inodes.add(match[1]);
      }
    } catch {
      // The descriptor closed while being listed.
    }
  }
  const sockets: Socket[] = [];
  for (const table of ['tcp', 'tcp6', 'udp', 'udp6']) {
    const rows = readFileSync(`/proc/net/${table}`, 'utf8').trim().split('\n');
    for (const row of rows.slice(1)) {
      const [, local = '', remote = '', state, , , , , , inode = ''] = row
        .trim()
        .split(/\s+/);
      const tcpListen = table.startsWith('tcp') && state === '0A';
      // An unconnected UDP socket is one that waits for datagrams.
      const udpBound = table.startsWith('udp') && /^[0:]+$/.test(remote);
      if (inodes.has(inode) && (tcpListen || udpBound)) {
        const [address = '', port = '0'] = local.split(':');
        sockets.push({
          address: decodeAddress(address),
          port: parseInt(port, 16),
        });
      }
    }
  }
  return sockets.sort((a, b) => a.port - b.port);
}
