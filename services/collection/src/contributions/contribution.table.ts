import type { ColumnType, Generated, Selectable } from 'kysely';

export interface ContributionTable {
  id: Generated<string>;
  employer_id: string;
  city_code: string;
  month: string;
  amount_fen: ColumnType<string, string | bigint, never>;
  reference: string;
  transfer_id: string | null;
  received_at: Generated<Date>;
}
export type Contribution = Selectable<ContributionTable>;
