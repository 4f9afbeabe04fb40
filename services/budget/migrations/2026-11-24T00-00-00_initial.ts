import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code, so the categories are spelled out.
const CATEGORY_CHECK = sql`category in ('long_term', 'one_time', 'medical', 'other')`;

export async function up(db: Kysely<any>): Promise<void> {
  // One row per category of a city's annual budget; commitments lock these rows.
  await db.schema
    .createTable('budgets')
    .addColumn('year', 'integer', (c) => c.notNull().check(sql`year between 1000 and 9999`))
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().check(CATEGORY_CHECK))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('budgets_pk', ['year', 'city_code', 'category'])
    .execute();

  await db.schema
    .createTable('commitments')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('total_fen', 'bigint', (c) => c.notNull().check(sql`total_fen >= 0`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    // The commitment is its own idempotency record: a released one can be committed again by the same request.
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('remaining_after_fen', 'bigint', (c) => c.notNull())
    .addColumn('released_at', 'timestamptz')
    .addColumn('release_key', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One live commitment per city and month; a released one may be committed again.
  await db.schema
    .createIndex('commitments_one_per_city_month')
    .on('commitments')
    .columns(['month', 'city_code'])
    .unique()
    .where(sql.ref('released_at'), 'is', null)
    .execute();
  await db.schema.createIndex('commitments_year_city').on('commitments').columns(['year', 'city_code']).execute();
  await db.schema
    .createTable('commitment_lines')
    .addColumn('commitment_id', 'bigint', (c) => c.notNull().references('commitments.id'))
    .addColumn('category', 'text', (c) => c.notNull().check(CATEGORY_CHECK))
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 0`))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addPrimaryKeyConstraint('commitment_lines_pk', ['commitment_id', 'category'])
    .execute();

  await db.schema
    .createTable('plans')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('total_fen', 'bigint', (c) => c.notNull().check(sql`total_fen >= 0`))
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_role', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('plans_month_city_version', ['month', 'city_code', 'version'])
    .execute();
  await db.schema
    .createTable('plan_lines')
    .addColumn('plan_id', 'bigint', (c) => c.notNull().references('plans.id'))
    .addColumn('category', 'text', (c) => c.notNull().check(CATEGORY_CHECK))
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 0`))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addPrimaryKeyConstraint('plan_lines_pk', ['plan_id', 'category'])
    .execute();

  await db.schema
    .createTable('reviews')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('plan_id', 'bigint', (c) => c.notNull().references('plans.id'))
    .addColumn('step', 'text', (c) => c.notNull().check(sql`step in ('hrss_review', 'finance_review')`))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'return', 'cut')`))
    .addColumn('reason', 'text')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('reviews_plan').on('reviews').column('plan_id').execute();
  // Present only for approve and cut decisions.
  await db.schema
    .createTable('review_lines')
    .addColumn('review_id', 'bigint', (c) => c.notNull().references('reviews.id'))
    .addColumn('category', 'text', (c) => c.notNull().check(CATEGORY_CHECK))
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 0`))
    .addColumn('amount_fen', 'bigint', (c) => c.notNull().check(sql`amount_fen >= 0`))
    .addPrimaryKeyConstraint('review_lines_pk', ['review_id', 'category'])
    .execute();

  // Every stored version of a month's reconciliation report; the newest is the answer.
  await db.schema
    .createTable('reports')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('report', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('reports_month_version', ['month', 'version'])
    .execute();

  await db.schema
    .createTable('idempotency_records')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'idempotency_records',
    'reports',
    'review_lines',
    'reviews',
    'plan_lines',
    'plans',
    'commitment_lines',
    'commitments',
    'budgets',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
