import { sql, type Kysely } from 'kysely';

// Frozen in time: this file must not import application code.

const BENCHMARKS_2015: Record<number, number> = { 1: 20, 2: 40, 3: 70, 4: 90, 5: 110, 6: 130, 7: 160, 8: 190 };
const GRADES_2015: Record<number, number[]> = {
  1: [100, 120, 150],
  2: [50, 80, 100, 120, 150],
  3: [50, 80, 100, 120, 150],
  4: [50, 80, 100, 120, 150],
  5: [50, 80, 100, 120, 150],
  6: [50, 80, 100, 120, 150],
  7: [50, 80, 100, 120, 150],
  8: [50, 80, 100, 120, 150],
};

export async function up(db: Kysely<any>): Promise<void> {
  // The province's calendar day (UTC+8, no daylight saving): what "in force" is measured against.
  await sql`
    create function province_today() returns date language sql stable as $$
      select ((now() at time zone 'UTC') + interval '8 hours')::date
    $$`.execute(db);

  await db.schema
    .createTable('rate_versions')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('effective_from', 'date', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`extract(day from effective_from) = 1`),
    )
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('benchmark_rates')
    .addColumn('version_id', 'bigint', (c) => c.notNull().references('rate_versions.id'))
    .addColumn('industry_class', 'smallint', (c) => c.notNull().check(sql`industry_class between 1 and 8`))
    .addColumn('rate_bp', 'integer', (c) => c.notNull().check(sql`rate_bp > 0`))
    .addPrimaryKeyConstraint('benchmark_rates_pk', ['version_id', 'industry_class'])
    .execute();
  await db.schema
    .createTable('floating_grades')
    .addColumn('version_id', 'bigint', (c) => c.notNull().references('rate_versions.id'))
    .addColumn('industry_class', 'smallint', (c) => c.notNull().check(sql`industry_class between 1 and 8`))
    .addColumn('grade_pct', 'smallint', (c) => c.notNull().check(sql`grade_pct > 0`))
    .addPrimaryKeyConstraint('floating_grades_pk', ['version_id', 'industry_class', 'grade_pct'])
    // Class 1 never floats below its benchmark (2015 rates).
    .addCheckConstraint('floating_grades_class_1_not_below_benchmark', sql`industry_class <> 1 or grade_pct >= 100`)
    .execute();

  await db.schema
    .createTable('employer_grades')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('employer_id', 'bigint', (c) => c.notNull().references('employers.id'))
    .addColumn('effective_from', 'date', (c) => c.notNull().check(sql`extract(day from effective_from) = 1`))
    .addColumn('grade_pct', 'smallint', (c) => c.notNull().check(sql`grade_pct > 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('employer_grades_one_per_date', ['employer_id', 'effective_from'])
    .execute();

  // The 2015 national rates, in force from 1 October 2015.
  const version = await db
    .insertInto('rate_versions')
    .values({ effective_from: '2015-10-01', reason: '2015 national notice on work-injury premium rates', published_by: 'migration' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('benchmark_rates')
    .values(Object.entries(BENCHMARKS_2015).map(([cls, bp]) => ({ version_id: version.id, industry_class: Number(cls), rate_bp: bp })))
    .execute();
  await db
    .insertInto('floating_grades')
    .values(
      Object.entries(GRADES_2015).flatMap(([cls, grades]) =>
        grades.map((pct) => ({ version_id: version.id, industry_class: Number(cls), grade_pct: pct })),
      ),
    )
    .execute();

  // A version in force is never rewritten: the service refuses, and so does the database.
  await sql`
    create function refuse_rate_version_change() returns trigger language plpgsql set search_path from current as $$
    begin
      if old.effective_from <= province_today() then
        raise exception 'rate version in force from % may not be changed', old.effective_from
          using errcode = 'check_violation';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`
    create trigger rate_versions_in_force before update or delete on rate_versions
    for each row execute function refuse_rate_version_change()`.execute(db);
  await sql`
    create function refuse_rate_line_change() returns trigger language plpgsql set search_path from current as $$
    declare
      effective date;
    begin
      select effective_from into effective from rate_versions
        where id = case when tg_op = 'DELETE' then old.version_id else new.version_id end;
      if tg_op = 'UPDATE' and old.version_id <> new.version_id then
        select least(effective, (select effective_from from rate_versions where id = old.version_id)) into effective;
      end if;
      if effective <= province_today() then
        raise exception 'rate version in force from % may not be changed', effective using errcode = 'check_violation';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  for (const table of ['benchmark_rates', 'floating_grades']) {
    await sql`
      create trigger ${sql.raw(`${table}_in_force`)} before insert or update or delete on ${sql.table(table)}
      for each row execute function refuse_rate_line_change()`.execute(db);
  }
  await sql`
    create function refuse_employer_grade_change() returns trigger language plpgsql set search_path from current as $$
    begin
      if old.effective_from <= province_today() then
        raise exception 'employer % grade in force from % may not be changed', old.employer_id, old.effective_from
          using errcode = 'check_violation';
      end if;
      return case when tg_op = 'DELETE' then old else new end;
    end $$`.execute(db);
  await sql`
    create trigger employer_grades_in_force before update or delete on employer_grades
    for each row execute function refuse_employer_grade_change()`.execute(db);

  // The rate is read from the versions in force, so the employer's own copy goes.
  await db.schema.alterTable('employers').dropColumn('rate_bp').execute();
  await sql`
    insert into employer_grades (employer_id, effective_from, grade_pct, reason, decided_by)
    select id, date_trunc('month', (created_at at time zone 'UTC') + interval '8 hours')::date, 100, 'new employer: the benchmark', 'migration'
    from employers`.execute(db);

  await db.schema
    .createTable('payroll_declarations')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('employer_id', 'bigint', (c) => c.notNull().references('employers.id'))
    .addColumn('city_code', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('payroll_fen', 'bigint', (c) => c.notNull().check(sql`payroll_fen >= 0`))
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payroll_declarations_one_per_month', ['employer_id', 'month'])
    .execute();
  await db.schema.createIndex('payroll_declarations_city_month').on('payroll_declarations').columns(['city_code', 'month']).execute();

  // The day the employer paid, which the late fee runs to; earlier reports were paid the day they arrived.
  await db.schema.alterTable('contributions').addColumn('paid_on', 'date').execute();
  await sql`update contributions set paid_on = ((received_at at time zone 'UTC') + interval '8 hours')::date`.execute(db);
  await sql`alter table contributions alter column paid_on set not null, alter column paid_on set default province_today()`.execute(db);
  await db.schema.createIndex('contributions_employer_month').on('contributions').columns(['employer_id', 'month']).execute();
  await db.schema.createIndex('contributions_city_month').on('contributions').columns(['city_code', 'month']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('contributions_city_month').execute();
  await db.schema.dropIndex('contributions_employer_month').execute();
  await db.schema.alterTable('contributions').dropColumn('paid_on').execute();
  await db.schema.dropTable('payroll_declarations').execute();
  await db.schema
    .alterTable('employers')
    .addColumn('rate_bp', 'integer', (c) => c.notNull().defaultTo(20))
    .execute();
  await db.schema.dropTable('employer_grades').execute();
  await db.schema.dropTable('floating_grades').execute();
  await db.schema.dropTable('benchmark_rates').execute();
  await db.schema.dropTable('rate_versions').execute();
  for (const fn of ['refuse_employer_grade_change', 'refuse_rate_line_change', 'refuse_rate_version_change', 'province_today']) {
    await sql`drop function if exists ${sql.raw(fn)}()`.execute(db);
  }
}
