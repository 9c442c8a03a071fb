import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine and runtime a run was measured on. */
export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly memoryGiB: number;
  readonly gcExposed: boolean;
  readonly packages: Readonly<Record<string, string>>;
}

const PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-base',
  'tinybench',
];

/** Describes this machine: CPU model from /proc/cpuinfo, cores, Node. */
export function describeMachine(): Machine {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) packages[name] = installedVersion(name);
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    gcExposed: typeof globalThis.gc === 'function',
    packages,
  };
}

/** The version in the package's manifest (not every package exports it). */
function installedVersion(name: string): string {
  try {
    const url = new URL(
      `../node_modules/${name}/package.json`,
      import.meta.url,
    );
    const manifest = JSON.parse(readFileSync(url, 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

function cpuModel(): string {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const line = cpuinfo
      .split('\n')
      .find((entry) => /^model name\s*:/.test(entry));
    if (line !== undefined) return line.replace(/^model name\s*:\s*/, '');
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}
