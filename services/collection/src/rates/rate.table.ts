import type { Generated, Selectable } from 'kysely';

/** A version of the rates, in force from its first day until the next version's. */
export interface RateVersionTable {
  id: Generated<string>;
  /** 'YYYY-MM-DD', the first day of a month. */
  effective_from: string;
  reason: string;
  published_by: string;
  published_at: Generated<Date>;
}

/** A class's benchmark rate in a version, in basis points of payroll. */
export interface BenchmarkRateTable {
  version_id: string;
  industry_class: number;
  rate_bp: number;
}

/** A floating grade a class may be set to in a version, in percent of its benchmark. */
export interface FloatingGradeTable {
  version_id: string;
  industry_class: number;
  grade_pct: number;
}

/** An employer's floating grade from a date on. */
export interface EmployerGradeTable {
  id: Generated<string>;
  employer_id: string;
  effective_from: string;
  grade_pct: number;
  reason: string;
  decided_by: string;
  created_at: Generated<Date>;
}
export type EmployerGrade = Selectable<EmployerGradeTable>;
