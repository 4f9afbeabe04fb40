import type { EmployerDue, IncomeAccountMonth } from '@fund/shared';
import { sql } from 'kysely';
import type { Db } from '../db';
import { listRateVersions, NEW_EMPLOYER_GRADE_PCT, type RateVersion } from '../rates/rate.repository';
import { contributionDueFen, dueDateOf, standing } from './dues';

interface DeclarationRow {
  employer_id: string;
  name: string;
  industry_class: number;
  month: string;
  payroll_fen: string;
}
interface ReceiptRow {
  employer_id: string;
  name: string;
  month: string;
  amount_fen: string;
  paid_on: string;
}

type Filter = { cityCode: string; month: string } | { employerId: string; from: string; to: string };

async function declarationsAndReceipts(db: Db, filter: Filter): Promise<{ declarations: DeclarationRow[]; receipts: ReceiptRow[] }> {
  let declarations = db
    .selectFrom('payroll_declarations as d')
    .innerJoin('employers as e', 'e.id', 'd.employer_id')
    .select(['d.employer_id', 'e.name', 'e.industry_class', 'd.month', 'd.payroll_fen']);
  let receipts = db
    .selectFrom('contributions as c')
    .innerJoin('employers as e', 'e.id', 'c.employer_id')
    .select(['c.employer_id', 'e.name', 'c.month', 'c.amount_fen', sql<string>`c.paid_on::text`.as('paid_on')]);
  if ('cityCode' in filter) {
    declarations = declarations.where('d.city_code', '=', filter.cityCode).where('d.month', '=', filter.month);
    receipts = receipts.where('c.city_code', '=', filter.cityCode).where('c.month', '=', filter.month);
  } else {
    declarations = declarations
      .where('d.employer_id', '=', filter.employerId)
      .where('d.month', '>=', filter.from)
      .where('d.month', '<=', filter.to);
    receipts = receipts
      .where('c.employer_id', '=', filter.employerId)
      .where('c.month', '>=', filter.from)
      .where('c.month', '<=', filter.to);
  }
  return { declarations: await declarations.execute(), receipts: await receipts.execute() };
}

async function gradesOf(db: Db, employerIds: string[]): Promise<Map<string, { from: string; pct: number }[]>> {
  const out = new Map<string, { from: string; pct: number }[]>();
  if (employerIds.length === 0) return out;
  const rows = await db
    .selectFrom('employer_grades')
    .select(['employer_id', sql<string>`effective_from::text`.as('from'), 'grade_pct'])
    .where('employer_id', 'in', employerIds)
    .orderBy('effective_from')
    .execute();
  for (const r of rows) out.set(r.employer_id, [...(out.get(r.employer_id) ?? []), { from: r.from, pct: r.grade_pct }]);
  return out;
}

const inForceOn = <T extends { from: string }>(rows: readonly T[], day: string): T | undefined => rows.filter((r) => r.from <= day).at(-1);

/** Each employer's due for the months the filter names, matched with its receipts up to `asOf`. */
async function dues(db: Db, filter: Filter, asOf: string): Promise<EmployerDue[]> {
  const { declarations, receipts } = await declarationsAndReceipts(db, filter);
  const versions: (RateVersion & { from: string })[] = (await listRateVersions(db)).map((v) => ({ ...v, from: v.effectiveFrom }));
  const grades = await gradesOf(db, [...new Set(declarations.map((d) => d.employer_id))]);
  const keyOf = (employerId: string, month: string) => `${employerId}:${month}`;
  const receiptsBy = new Map<string, ReceiptRow[]>();
  for (const r of receipts) receiptsBy.set(keyOf(r.employer_id, r.month), [...(receiptsBy.get(keyOf(r.employer_id, r.month)) ?? []), r]);

  const rows: EmployerDue[] = declarations.map((d) => {
    const firstDay = `${d.month}-01`;
    const benchmarkBp = inForceOn(versions, firstDay)?.benchmarksBp[String(d.industry_class)] ?? 0;
    const gradePct = inForceOn(grades.get(d.employer_id) ?? [], firstDay)?.pct ?? NEW_EMPLOYER_GRADE_PCT;
    const dueFen = contributionDueFen(BigInt(d.payroll_fen), benchmarkBp, gradePct);
    const dueDate = dueDateOf(d.month);
    const mine = (receiptsBy.get(keyOf(d.employer_id, d.month)) ?? []).map((r) => ({ amountFen: BigInt(r.amount_fen), paidOn: r.paid_on }));
    receiptsBy.delete(keyOf(d.employer_id, d.month));
    const s = standing(dueFen, dueDate, mine, asOf);
    return {
      employerId: d.employer_id,
      name: d.name,
      month: d.month,
      dueDate,
      payrollFen: d.payroll_fen,
      benchmarkBp,
      gradePct,
      dueFen: dueFen.toString(),
      receivedFen: s.receivedFen.toString(),
      arrearsFen: s.arrearsFen.toString(),
      lateFeeFen: s.lateFeeFen.toString(),
      status: s.status,
    };
  });
  // Receipts for a month with no declaration: received, with nothing known to be due.
  for (const group of receiptsBy.values()) {
    const first = group[0]!;
    const receivedFen = group.filter((r) => r.paid_on <= asOf).reduce((sum, r) => sum + BigInt(r.amount_fen), 0n);
    if (receivedFen === 0n) continue;
    rows.push({
      employerId: first.employer_id,
      name: first.name,
      month: first.month,
      dueDate: dueDateOf(first.month),
      payrollFen: null,
      benchmarkBp: null,
      gradePct: null,
      dueFen: '0',
      receivedFen: receivedFen.toString(),
      arrearsFen: '0',
      lateFeeFen: '0',
      status: 'undeclared',
    });
  }
  return rows.sort((a, b) => (a.month === b.month ? Number(BigInt(a.employerId) - BigInt(b.employerId)) : a.month < b.month ? -1 : 1));
}

const total = (rows: EmployerDue[], field: 'payrollFen' | 'dueFen' | 'receivedFen' | 'arrearsFen' | 'lateFeeFen') =>
  rows.reduce((sum, r) => sum + BigInt(r[field] ?? 0), 0n).toString();

/** A city's income account for a month as it stood on `asOf`: due, received, arrears and late fees. */
export async function incomeAccountMonth(db: Db, cityCode: string, month: string, asOf: string): Promise<IncomeAccountMonth> {
  const employers = await dues(db, { cityCode, month }, asOf);
  return {
    cityCode,
    month,
    asOf,
    dueDate: dueDateOf(month),
    declaredPayrollFen: total(employers, 'payrollFen'),
    dueFen: total(employers, 'dueFen'),
    receivedFen: total(employers, 'receivedFen'),
    arrearsFen: total(employers, 'arrearsFen'),
    lateFeeFen: total(employers, 'lateFeeFen'),
    employers,
  };
}

/** One employer's dues for months `from`..`to` as they stood on `asOf`. */
export async function employerDues(db: Db, employerId: string, from: string, to: string, asOf: string): Promise<EmployerDue[]> {
  return dues(db, { employerId, from, to }, asOf);
}
