import type { ColumnType, Generated, Selectable } from 'kysely';

export interface ContributionTable {
  id: Generated<string>;
  employer_id: string;
  city_code: string;
  month: string;
  amount_fen: ColumnType<string, string | bigint, never>;
  reference: string;
  transfer_id: string | null;
  /** 'YYYY-MM-DD' in the province; read it as text (`paid_on::text`). */
  paid_on: ColumnType<Date, string | undefined, never>;
  received_at: Generated<Date>;
}
export type Contribution = Selectable<ContributionTable>;
