import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { SEARCH_ATTRIBUTE_REGISTRATIONS } from '@fund/shared';
import { TOOLS_DIR } from './paths';

const run = promisify(execFile);

/** The CLI release the project builds when none is given; tags from v1.6.0 on cannot be `go install`ed. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const MINIMUM = [1, 5, 1];

/** Where the project's own build of the CLI lives. */
export const BUILT_CLI = path.join(TOOLS_DIR, `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');

async function cliVersion(executable: string): Promise<number[] | null> {
  try {
    const { stdout } = await run(executable, ['--version'], { timeout: 20_000 });
    const match = /temporal version (\d+)\.(\d+)\.(\d+)/.exec(stdout);
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
  } catch {
    return null;
  }
}

function atLeastMinimum(version: number[]): boolean {
  for (let i = 0; i < MINIMUM.length; i++) {
    const have = version[i] ?? 0;
    const want = MINIMUM[i] ?? 0;
    if (have !== want) return have > want;
  }
  return true;
}

async function onPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      await fs.promises.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Finds the Temporal CLI: TEMPORAL_CLI, then `temporal` on PATH (1.5.1 or later), then the
 * project's cached build; else builds v1.5.1 once with `go install` into .tools/.
 */
export async function findTemporalCli(log: (line: string) => void = console.log): Promise<string> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    const version = await cliVersion(explicit);
    if (!version) throw new Error(`TEMPORAL_CLI=${explicit} does not run as a Temporal CLI (\`${explicit} --version\` failed)`);
    if (!atLeastMinimum(version)) {
      throw new Error(`TEMPORAL_CLI=${explicit} is version ${version.join('.')}; version ${MINIMUM.join('.')} or later is required`);
    }
    return explicit;
  }
  const fromPath = await onPath('temporal');
  if (fromPath) {
    const version = await cliVersion(fromPath);
    if (version && atLeastMinimum(version)) return fromPath;
    log(`ignoring ${fromPath}: version ${version?.join('.') ?? 'unknown'} is older than ${MINIMUM.join('.')}`);
  }
  if (await cliVersion(BUILT_CLI)) return BUILT_CLI;
  return buildCli(log);
}

async function buildCli(log: (line: string) => void): Promise<string> {
  const go = await onPath('go');
  if (!go) {
    throw new Error(
      'No Temporal CLI found. Install one of: the Temporal CLI 1.5.1+ on PATH (or set TEMPORAL_CLI=/path/to/temporal), ' +
        'or Go 1.22+ (https://go.dev/dl/) so the project can build the CLI itself with `go install`.',
    );
  }
  const bin = path.dirname(BUILT_CLI);
  await fs.promises.mkdir(bin, { recursive: true });
  log(`building the Temporal CLI v${TEMPORAL_CLI_VERSION} with go install into ${bin} (first run only, several minutes)...`);
  try {
    await run(
      go,
      [
        'install',
        `-ldflags=-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
      ],
      { env: { ...process.env, GOBIN: bin, CGO_ENABLED: '0' }, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`go install of the Temporal CLI v${TEMPORAL_CLI_VERSION} failed:\n${stderr.slice(-2000)}`);
  }
  return BUILT_CLI;
}

export interface TemporalServerOptions {
  cli: string;
  port: number;
  uiPort: number | null;
  dbFile: string | null;
  logFile: string;
  uiCodecEndpoint?: string;
}

/** A running `temporal server start-dev`. */
export interface TemporalServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the dev server with the project's search attributes and waits until it answers. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--log-level', 'warn'];
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFile) {
    await fs.promises.mkdir(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  for (const attribute of SEARCH_ATTRIBUTE_REGISTRATIONS) args.push('--search-attribute', attribute);

  await fs.promises.mkdir(path.dirname(options.logFile), { recursive: true });
  const logStream = fs.openSync(options.logFile, 'a');
  const child = spawn(options.cli, args, { stdio: ['ignore', logStream, logStream] });
  fs.closeSync(logStream);
  const address = `127.0.0.1:${options.port}`;

  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 90_000;
  while (!(await portAnswers(options.port))) {
    if (exited) throw new Error(`temporal server exited during start; see ${options.logFile}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`temporal server did not answer on ${address} within 90 s; see ${options.logFile}`);
    }
    await sleep(200);
  }
  return {
    address,
    uiUrl: options.uiPort === null ? null : `http://127.0.0.1:${options.uiPort}`,
    process: child,
    stop: () => stopChild(child),
  };
}

/** Sends SIGTERM, then SIGKILL after a grace period, and waits for the exit. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Asks the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
