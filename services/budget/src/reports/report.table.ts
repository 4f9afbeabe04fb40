import type { ColumnType, Generated, Selectable } from 'kysely';

/** One stored version of a month's reconciliation report. */
export interface ReportTable {
  id: Generated<string>;
  month: string;
  version: number;
  // pg returns jsonb parsed; kysely sends the JSON text.
  report: ColumnType<Record<string, unknown>, string, never>;
  created_at: Generated<Date>;
}
export type Report = Selectable<ReportTable>;
