// examples/docker-compose.yaml, read rather than run (the tests have no
// Docker): the collector in it runs the very otel-collector.yaml that the
// end-to-end tests run, with every variable that file reads set, and each
// address it is given leads to the service meant to be there.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  collectorConfigPath,
  contribHealthCheckPath,
  envReferences,
  readYaml,
  repoRoot,
} from '../support/collector-config.js';

const composePath = fileURLToPath(
  new URL('../../examples/docker-compose.yaml', import.meta.url),
);
const composeDir = dirname(composePath);

type Data = Record<string, unknown>;

function record(value: unknown, what: string): Data {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${what}: expected a mapping, found ${typeof value}`);
  }
  return value as Data;
}

/** Follows a path of keys through nested mappings. */
function dig(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>(
    (current, key, index) =>
      record(current, keys.slice(0, index).join('.') || 'the document')[key],
    value,
  );
}

function strings(value: unknown, what: string): string[] {
  // Compose takes a command as one string or as a list.
  const list = typeof value === 'string' ? value.split(/\s+/) : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new Error(`${what}: expected a list of strings`);
  }
  return list;
}

interface Service {
  name: string;
  image: string;
  command: string[];
  /** Container path → absolute host path, for bind mounts. */
  binds: Map<string, string>;
  environment: Map<string, string>;
  /** Published `host-ip:host-port:container-port` entries. */
  ports: string[];
}

function service(name: string, value: unknown): Service {
  const data = record(value, `services.${name}`);
  const binds = new Map<string, string>();
  for (const volume of strings(data.volumes ?? [], `${name}.volumes`)) {
    const [source = '', target = ''] = volume.split(':');
    // Relative sources are bind mounts, resolved against the compose file;
    // bare names are volumes.
    if (source.startsWith('.') || isAbsolute(source)) {
      binds.set(target, resolve(composeDir, source));
    }
  }
  const environment = new Map<string, string>();
  const env = data.environment ?? {};
  if (Array.isArray(env)) {
    for (const entry of strings(env, `${name}.environment`)) {
      const [key = '', ...rest] = entry.split('=');
      environment.set(key, rest.join('='));
    }
  } else {
    for (const [key, setting] of Object.entries(record(env, name))) {
      environment.set(key, String(setting));
    }
  }
  return {
    name,
    image: typeof data.image === 'string' ? data.image : '',
    command: strings(data.command ?? [], `${name}.command`),
    binds,
    environment,
    ports: strings(data.ports ?? [], `${name}.ports`),
  };
}

// The value of `--flag=value` or `--flag value` (or the single-dash forms)
// each time it occurs.
function flagValues(command: string[], flag: string): string[] {
  const values: string[] = [];
  command.forEach((arg, index) => {
    if (arg.startsWith(`${flag}=`)) {
      values.push(arg.slice(flag.length + 1));
    } else if (arg === flag && index + 1 < command.length) {
      values.push(command[index + 1] ?? '');
    }
  });
  return values;
}

/** Splits `host:port` or `scheme://host:port`. */
function hostPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
}

function byImage(services: Service[], repository: string): Service {
  const matches = services.filter((s) => s.image.startsWith(`${repository}:`));
  expect(matches, `services running ${repository}`).toHaveLength(1);
  return matches[0] as Service;
}

describe('examples/docker-compose.yaml', () => {
  let services: Service[];
  let collector: Service;
  let configFiles: string[];
  let tempo: Service;
  let tempoConfig: unknown;

  beforeAll(async () => {
    const compose = record(await readYaml(composePath), 'the compose file');
    services = Object.entries(record(compose.services, 'services')).map(
      ([name, value]) => service(name, value),
    );
    collector = byImage(services, 'otel/opentelemetry-collector-contrib');
    configFiles = flagValues(collector.command, '--config').map((target) => {
      const source = collector.binds.get(target);
      if (source === undefined) {
        throw new Error(`--config ${target} is not a file the compose mounts`);
      }
      return source;
    });
    tempo = byImage(services, 'grafana/tempo');
    const [tempoTarget = ''] = flagValues(tempo.command, '-config.file');
    const tempoFile = tempo.binds.get(tempoTarget);
    if (tempoFile === undefined) {
      throw new Error(`Tempo's -config.file ${tempoTarget} is not mounted`);
    }
    tempoConfig = await readYaml(tempoFile);
  });

  it('runs the collector on the otel-collector.yaml the tests run', () => {
    // First, so that the health check is layered over it and not the other
    // way round; nothing else, so the image's own default config stays out.
    expect(configFiles).toEqual([collectorConfigPath, contribHealthCheckPath]);
  });

  it('sets every variable the collector reads, and no other', async () => {
    const read = new Set<string>();
    for (const file of configFiles) {
      for (const name of envReferences(await readYaml(file)).keys()) {
        read.add(name);
      }
    }
    // The header of otel-collector.yaml promises these; a misspelt name here
    // would fall back to a default without a word.
    expect([...collector.environment.keys()].sort()).toEqual([...read].sort());
    for (const [name, value] of collector.environment) {
      expect(value, name).not.toBe('');
    }
  });

  it('publishes the ports the collector listens on', () => {
    const published = collector.ports.map((entry) => entry.split(':').pop());
    for (const name of [
      'OTLP_GRPC_ENDPOINT',
      'OTLP_HTTP_ENDPOINT',
      'HEALTH_CHECK_ENDPOINT',
    ]) {
      const { port } = hostPort(collector.environment.get(name) ?? '');
      expect(published, name).toContain(String(port));
    }
  });

  it('forwards to the Jaeger service over OTLP/HTTP', () => {
    const jaeger = byImage(services, 'jaegertracing/jaeger');
    const target = hostPort(
      collector.environment.get('JAEGER_OTLP_ENDPOINT') ?? '',
    );
    // Jaeger's all-in-one image takes OTLP/HTTP on 4318.
    expect(target).toEqual({ host: jaeger.name, port: 4318 });
    expect(collector.environment.get('JAEGER_OTLP_ENDPOINT')).toMatch(
      /^http:\/\//,
    );
  });

  it('forwards to the Tempo service on the port its config opens', () => {
    const grpc = dig(
      tempoConfig,
      'distributor',
      'receivers',
      'otlp',
      'protocols',
      'grpc',
      'endpoint',
    );
    const listening = hostPort(String(grpc));
    expect(listening.host, 'reachable from other containers').toBe('0.0.0.0');
    const target = hostPort(
      collector.environment.get('TEMPO_OTLP_ENDPOINT') ?? '',
    );
    expect(target).toEqual({ host: tempo.name, port: listening.port });
  });

  it('provisions Grafana with the Tempo service as a data source', async () => {
    const grafana = byImage(services, 'grafana/grafana');
    const provisioned = [...grafana.binds].filter(([target]) =>
      target.startsWith('/etc/grafana/provisioning/datasources/'),
    );
    expect(provisioned).toHaveLength(1);
    const [, file = ''] = provisioned[0] ?? [];
    const datasources = dig(await readYaml(file), 'datasources');
    const tempoSource = (Array.isArray(datasources) ? datasources : [])
      .map((entry) => record(entry, 'data source'))
      .find((entry) => entry.type === 'tempo');
    expect(tempoSource, 'a data source of type tempo').toBeDefined();
    expect(hostPort(String(tempoSource?.url))).toEqual({
      host: tempo.name,
      port: dig(tempoConfig, 'server', 'http_listen_port'),
    });
  });

  it('publishes ports on loopback only', () => {
    for (const entry of services.flatMap((s) => s.ports)) {
      expect(entry).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('pins the contrib collector to the release inside the tested Jaeger', async () => {
    const goMod = await readFile(
      resolve(repoRoot, 'tools/jaeger/go.mod'),
      'utf8',
    );
    const pinned = /^\s*go\.opentelemetry\.io\/collector\/otelcol v(\S+)/m.exec(
      goMod,
    )?.[1];
    expect(
      pinned,
      'the collector release in tools/jaeger/go.mod',
    ).toBeDefined();
    expect(collector.image).toBe(
      `otel/opentelemetry-collector-contrib:${pinned ?? ''}`,
    );
  });
});
