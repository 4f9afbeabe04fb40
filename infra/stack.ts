import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR, ROOT } from './paths';

/** Ports of the local stack; each can be moved with an environment variable. */
export const PORTS = {
  temporal: Number(process.env.TEMPORAL_PORT ?? 7233),
  temporalUi: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
  collection: Number(process.env.COLLECTION_PORT ?? 4101),
  budget: Number(process.env.BUDGET_PORT ?? 4102),
  disbursement: Number(process.env.DISBURSEMENT_PORT ?? 4103),
  /** The codec server the Web UI decrypts payloads through. */
  codec: Number(process.env.CODEC_PORT ?? 4104),
  /** The worker's own Prometheus metrics (activity outcomes). */
  workerMetrics: Number(process.env.WORKER_METRICS_PORT ?? 9464),
  /** The Temporal SDK's runtime metrics, served by the worker's core. */
  sdkMetrics: Number(process.env.SDK_METRICS_PORT ?? 9465),
};

export const serviceUrl = (port: number) => `http://127.0.0.1:${port}`;

/**
 * The password of the services' database roles. Roles are cluster-wide and keep the password they
 * were created with, so everything that provisions databases on one server (npm start, the
 * benchmark) uses this one: FUND_DB_ROLE_PASSWORD, else the development default.
 */
export function rolePassword(): string {
  return process.env.FUND_DB_ROLE_PASSWORD ?? 'fund-dev-password';
}

/** The API signing secret: AUTH_JWT_SECRET, else one generated on first start and kept under .data/. */
export function authSecret(): string {
  if (process.env.AUTH_JWT_SECRET) return process.env.AUTH_JWT_SECRET;
  const file = path.join(DATA_DIR, 'auth-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * The payload encryption key (base64, 32 bytes): PAYLOAD_KEY, else one generated on first start and
 * kept under .data/. Losing it makes the encrypted payloads of every workflow so far unreadable.
 */
export function payloadKey(): string {
  if (process.env.PAYLOAD_KEY) return process.env.PAYLOAD_KEY;
  const file = path.join(DATA_DIR, 'payload-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * The register encryption key of the disbursement service (base64, 32 bytes): REGISTER_KEY, else one
 * generated on first start and kept under .data/. Losing it makes the register's ID numbers and bank
 * accounts unreadable.
 */
export function registerKey(): string {
  if (process.env.REGISTER_KEY) return process.env.REGISTER_KEY;
  const file = path.join(DATA_DIR, 'register-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** Runs a TypeScript entry point of the repo in its own Node process, logs appended to a file. */
export function spawnTs(entry: string, env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  return child;
}

/** Polls a URL until it answers 200. */
export async function waitForHttp(url: string, timeoutMs: number, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
