import { Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import { Pool, types } from 'pg';

// BIGINT columns hold fen: keep them as strings so no amount passes through a float.
types.setTypeParser(types.builtins.INT8, (value) => value);

/** The three services; each owns the schema of the same name. */
export const SERVICE_NAMES = ['collection', 'budget', 'disbursement'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A Kysely instance on a pool whose search_path is the service's own schema. */
export function createDb<DB>(url: string, schema: ServiceName, poolSize = 10): Kysely<DB> {
  const pool = new Pool({
    connectionString: url,
    max: poolSize,
    // Connections stay open once made: after a quiet spell (the days before a payout day) the
    // busiest moment would otherwise open them all again, each a new server process with cold caches.
    idleTimeoutMillis: 0,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Applies the service's migrations as its owner role; throws with the failing migration's name. */
export async function migrateToLatest(url: string, schema: ServiceName, migrations: Record<string, Migration>): Promise<string[]> {
  const db = createDb<unknown>(url, schema, 1);
  try {
    const migrator = new Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableSchema: schema,
    });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error) {
      throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} of ${schema} failed: ${String(error)}`, {
        cause: error,
      });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  } finally {
    await db.destroy();
  }
}
