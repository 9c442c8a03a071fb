// Builds the Jaeger v2 binary that the end-to-end tests run against.
//
// Jaeger is pinned as a Go tool in tools/jaeger/go.mod, so the version the
// tests use is reviewed like any other dependency and the module proxy's
// checksum database vouches for its source. The binary lands in
// .cache/jaeger/<version>/jaeger and is rebuilt only when the pin changes.
//
// Usage: node scripts/build-jaeger.mjs [--force]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { clearInterval, setInterval } from 'node:timers';
import { URL, fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const moduleDir = join(repoRoot, 'tools', 'jaeger');
const jaegerPackage = 'github.com/jaegertracing/jaeger/cmd/jaeger';
const minimumGo = [1, 26];

// A cold build compiles over two thousand packages in silence; a line at
// least this often shows the build is alive.
const heartbeatMs = 15_000;

/**
 * Reads the Jaeger module version pinned in tools/jaeger/go.mod.
 * @returns {string} the module version, e.g. `v1.75.0`
 */
export function jaegerVersion() {
  const goMod = readFileSync(join(moduleDir, 'go.mod'), 'utf8');
  const match =
    /^\s*(?:require\s+)?github\.com\/jaegertracing\/jaeger\s+(v\S+)/m.exec(
      goMod,
    );
  if (!match?.[1]) {
    const goModPath = relative(repoRoot, join(moduleDir, 'go.mod'));
    throw new Error(
      `${goModPath} does not require github.com/jaegertracing/jaeger`,
    );
  }
  return match[1];
}

/**
 * Where the binary for the pinned version lives, whether or not it is built.
 * @returns {string} an absolute path below .cache/jaeger/
 */
export function jaegerBinaryPath() {
  return join(repoRoot, '.cache', 'jaeger', jaegerVersion(), 'jaeger');
}

// The version names the folder, but go.sum can move a transitive dependency
// without touching it: the stamp makes any change to the pin a rebuild.
function pinDigest() {
  const hash = createHash('sha256');
  for (const name of ['go.mod', 'go.sum']) {
    hash.update(readFileSync(join(moduleDir, name)));
  }
  return hash.digest('hex');
}

function stampPath(binary) {
  return `${binary}.pin`;
}

/**
 * Finds a binary already built from the current pin.
 * @returns {string | undefined} its path, or undefined when it must be built
 */
export function findBuiltJaeger() {
  const binary = jaegerBinaryPath();
  try {
    accessSync(binary, constants.X_OK);
    if (readFileSync(stampPath(binary), 'utf8').trim() === pinDigest()) {
      return binary;
    }
  } catch {
    // Missing or unreadable: treated as not built.
  }
  return undefined;
}

function checkGo() {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `Cannot run \`go\` (${result.error.message}). The end-to-end tests ` +
        `build Jaeger from source: install Go ${minimumGo.join('.')}+ and ` +
        'put it on PATH.',
    );
  }
  const version = result.stdout.trim();
  const match = /^go(\d+)\.(\d+)/.exec(version);
  const major = Number(match?.[1] ?? 0);
  const minor = Number(match?.[2] ?? 0);
  const [wantMajor = 0, wantMinor = 0] = minimumGo;
  if (major < wantMajor || (major === wantMajor && minor < wantMinor)) {
    throw new Error(
      `Found ${version || 'an unknown Go version'}; building Jaeger needs ` +
        `Go ${minimumGo.join('.')}+: install it and put it on PATH.`,
    );
  }
  return version;
}

function formatElapsed(ms) {
  const seconds = Math.round(ms / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

// Runs go with its output turned into progress lines. `go build -v` names
// each package as it compiles; counting them against the dependency total
// gives a figure that moves, where the raw list would run to thousands of
// lines.
function runGo(args, { log, total, action }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn('go', args, {
      cwd: moduleDir,
      env: { ...process.env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let compiled = 0;
    let lastPackage = '';
    const errors = [];
    const onLine = (line) => {
      if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line)) {
        compiled += 1;
        lastPackage = line;
      } else if (line.trim() !== '') {
        // Anything that is not a package name is a diagnostic worth seeing.
        errors.push(line);
        log(`  ${line}`);
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    const timer = setInterval(() => {
      const elapsed = formatElapsed(Date.now() - started);
      if (compiled === 0) {
        log(`  still ${action}, ${elapsed} elapsed`);
        return;
      }
      const count = total ? `${compiled}/${total}` : String(compiled);
      log(
        `  still ${action}: ${count} packages compiled, ${elapsed} elapsed ` +
          `(last: ${lastPackage})`,
      );
    }, heartbeatMs);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (code === 0) {
        resolve({ compiled, elapsedMs: Date.now() - started });
        return;
      }
      reject(
        new Error(
          `go ${args.join(' ')} failed (${signal ?? `exit ${code}`})` +
            (errors.length ? `:\n${errors.slice(-40).join('\n')}` : ''),
        ),
      );
    });
  });
}

function countDependencies() {
  const result = spawnSync('go', ['list', '-deps', jaegerPackage], {
    cwd: moduleDir,
    env: { ...process.env, CGO_ENABLED: '0' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    return undefined;
  }
  return result.stdout.split('\n').filter(Boolean).length;
}

/**
 * Makes sure the Jaeger binary for the pin in tools/jaeger/go.mod exists,
 * building it when it does not.
 * @param {{ force?: boolean, log?: (line: string) => void }} [options]
 *   `force` rebuilds even a current binary; `log` receives progress lines
 *   (stderr by default)
 * @returns {Promise<string>} the absolute path of the binary
 */
export async function ensureJaeger(options = {}) {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const version = jaegerVersion();
  const binary = jaegerBinaryPath();
  const shown = relative(repoRoot, binary);

  if (!options.force) {
    const built = findBuiltJaeger();
    if (built) {
      log(`[jaeger] ${version} is built: ${shown}`);
      return built;
    }
  }

  const goVersion = checkGo();
  log(`[jaeger] building Jaeger ${version} with ${goVersion} into ${shown}.`);
  log(
    '[jaeger] A cold build downloads the modules and compiles over two ' +
      'thousand packages: expect several minutes. Later runs reuse the ' +
      'binary until the pin changes.',
  );
  const started = Date.now();

  log('[jaeger] downloading modules (instant when already cached)...');
  await runGo(['mod', 'download'], { log, action: 'downloading' });

  const total = countDependencies();
  log(
    `[jaeger] compiling${total ? ` up to ${total} packages` : ''} ` +
      `(a line every ${heartbeatMs / 1000}s)...`,
  );

  mkdirSync(dirname(binary), { recursive: true });
  // Build beside the target and rename, so an interrupted or concurrent
  // build never leaves a half-written binary where the tests look for one.
  const partial = `${binary}.${process.pid}.partial`;
  try {
    const { compiled } = await runGo(
      ['build', '-v', '-trimpath', '-o', partial, jaegerPackage],
      { log, total, action: 'compiling' },
    );
    renameSync(partial, binary);
    writeFileSync(stampPath(binary), `${pinDigest()}\n`);
    const detail =
      compiled === 0
        ? "every package from Go's build cache"
        : `${compiled} packages compiled`;
    log(
      `[jaeger] built ${shown} in ${formatElapsed(Date.now() - started)} ` +
        `(${detail})`,
    );
  } finally {
    rmSync(partial, { force: true });
  }
  return binary;
}

const invokedDirectly =
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href;

if (invokedDirectly) {
  try {
    const binary = await ensureJaeger({
      force: process.argv.includes('--force'),
    });
    process.stdout.write(`${binary}\n`);
  } catch (error) {
    process.stderr.write(
      `[jaeger] ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
