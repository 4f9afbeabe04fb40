import { ErrorCode, type CorrectBankAccountRequest } from '@fund/shared';
import { HttpError, notFound } from '@fund/shared/server';
import { sql } from 'kysely';
import type { BankGateway, PaymentBatch } from '../bank/bank.gateway';
import type { Dependant } from '../benefits';
import type { Db } from '../db';
import type { BankStatus, BeneficiaryKind, BeneficiaryStatus, ClaimStatus, ClaimType } from './beneficiary.table';
import { hashIdentifier } from './identity';
import type { RegisterCipher } from './register-cipher';

/** A beneficiary as read from the register, DATE columns as 'YYYY-MM-DD' text, ID number and account decrypted. */
export interface BeneficiaryRecord {
  id: string;
  city_code: string;
  kind: BeneficiaryKind;
  name: string;
  id_number: string;
  bank_account: string;
  bank_name: string;
  bank_status: BankStatus;
  bank_verified_at: Date | null;
  status: BeneficiaryStatus;
  disability_grade: number | null;
  own_wage_fen: string | null;
  nursing_level: 'full' | 'most' | 'partial' | null;
  injury_recognition_date: string | null;
  death_date: string | null;
  death_cause: 'work_injury' | 'other' | null;
  retirement_date: string | null;
  dependants: Dependant[];
}

// pg turns DATE into a local-time JS Date; text keeps the calendar day exact.
const day = (column: 'injury_recognition_date' | 'death_date' | 'retirement_date') =>
  sql<string | null>`${sql.ref(column)}::text`.as(column);

/** Everything a register read needs, dates as text, ID number and account sealed (see `openRecord`). */
export const beneficiaryColumns = [
  'id',
  'city_code',
  'kind',
  'name',
  'id_number_sealed',
  'bank_account_sealed',
  'bank_name',
  'bank_status',
  'bank_verified_at',
  'status',
  'disability_grade',
  'own_wage_fen',
  'nursing_level',
  day('injury_recognition_date'),
  day('death_date'),
  'death_cause',
  day('retirement_date'),
  'dependants',
] as const;

type SealedRecord = Omit<BeneficiaryRecord, 'id_number' | 'bank_account'> & { id_number_sealed: string; bank_account_sealed: string };

/** A register row as read with `beneficiaryColumns`, its ID number and account decrypted. */
function openRecord(row: SealedRecord, cipher: RegisterCipher): BeneficiaryRecord {
  const { id_number_sealed, bank_account_sealed, ...rest } = row;
  return { ...rest, id_number: cipher.open('id_number', id_number_sealed), bank_account: cipher.open('bank_account', bank_account_sealed) };
}

/** Only what the benefit standards need: no names, ID numbers or bank details. */
export const caseFactColumns = [
  'id',
  'status',
  'disability_grade',
  'own_wage_fen',
  'nursing_level',
  day('injury_recognition_date'),
  day('death_date'),
  'death_cause',
  day('retirement_date'),
  'dependants',
] as const;

/** A beneficiary's case facts as read with `caseFactColumns`. */
export type CaseFactsRecord = Pick<
  BeneficiaryRecord,
  | 'id'
  | 'status'
  | 'disability_grade'
  | 'own_wage_fen'
  | 'nursing_level'
  | 'injury_recognition_date'
  | 'death_date'
  | 'death_cause'
  | 'retirement_date'
  | 'dependants'
>;

/** A beneficiary to register. */
export interface NewBeneficiary {
  cityCode: string;
  kind: BeneficiaryKind;
  name: string;
  idNumber: string;
  bankAccount: string;
  bankName: string;
  bankStatus?: BankStatus;
  status?: BeneficiaryStatus;
  disabilityGrade?: number | null;
  ownWageFen?: bigint | null;
  nursingLevel?: 'full' | 'most' | 'partial' | null;
  injuryRecognitionDate?: string | null;
  deathDate?: string | null;
  deathCause?: 'work_injury' | 'other' | null;
  retirementDate?: string | null;
  dependants?: Dependant[];
}

/**
 * Registers beneficiaries in one set-based statement per 5,000 (INSERT ... SELECT FROM unnest),
 * hashing ID numbers and accounts on the way and storing them sealed under the register key, never
 * in plaintext. Returns the new ids in input order.
 */
export async function insertBeneficiaries(db: Db, rows: readonly NewBeneficiary[], cipher: RegisterCipher): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < rows.length; start += 5_000) {
    const chunk = rows.slice(start, start + 5_000);
    const col = <T>(pick: (r: NewBeneficiary) => T) => chunk.map(pick);
    const inserted = await sql<{ id: string }>`
      insert into beneficiaries (
        city_code, kind, name, id_number_sealed, id_number_hash, bank_account_sealed, bank_account_hash, bank_name, bank_status,
        bank_verified_at, status, disability_grade, own_wage_fen, nursing_level, injury_recognition_date, death_date,
        death_cause, retirement_date, dependants)
      select city_code, kind, name, id_number_sealed, id_number_hash, bank_account_sealed, bank_account_hash, bank_name, bank_status,
        now(), status, disability_grade, own_wage_fen, nursing_level, injury_recognition_date, death_date,
        death_cause, retirement_date, dependants
      from unnest(
        ${col((r) => r.cityCode)}::text[], ${col((r) => r.kind)}::text[], ${col((r) => r.name)}::text[],
        ${col((r) => cipher.seal('id_number', r.idNumber))}::text[], ${col((r) => hashIdentifier(r.idNumber))}::text[],
        ${col((r) => cipher.seal('bank_account', r.bankAccount))}::text[], ${col((r) => hashIdentifier(r.bankAccount))}::text[],
        ${col((r) => r.bankName)}::text[], ${col((r) => r.bankStatus ?? 'valid')}::text[],
        ${col((r) => r.status ?? 'active')}::text[], ${col((r) => r.disabilityGrade ?? null)}::smallint[],
        ${col((r) => (r.ownWageFen == null ? null : r.ownWageFen.toString()))}::bigint[],
        ${col((r) => r.nursingLevel ?? null)}::text[], ${col((r) => r.injuryRecognitionDate ?? null)}::date[],
        ${col((r) => r.deathDate ?? null)}::date[], ${col((r) => r.deathCause ?? null)}::text[],
        ${col((r) => r.retirementDate ?? null)}::date[], ${col((r) => JSON.stringify(r.dependants ?? []))}::jsonb[]
      ) with ordinality as t(city_code, kind, name, id_number_sealed, id_number_hash, bank_account_sealed, bank_account_hash, bank_name,
        bank_status, status, disability_grade, own_wage_fen, nursing_level, injury_recognition_date, death_date,
        death_cause, retirement_date, dependants, ord)
      order by ord
      returning id`.execute(db);
    // Ids come from one sequence in row order, so sorting them restores input order.
    ids.push(...inserted.rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
  }
  return ids;
}

/** A one-time claim to record. */
export interface NewClaim {
  beneficiaryId: string;
  cityCode: string;
  type: ClaimType;
  status?: ClaimStatus;
  billedFen?: bigint | null;
  approvedAt?: Date | null;
}

/** Records one-time claims in one statement. */
export async function insertClaims(db: Db, claims: readonly NewClaim[]): Promise<string[]> {
  if (claims.length === 0) return [];
  const rows = await db
    .insertInto('one_time_claims')
    .values(
      claims.map((c) => ({
        beneficiary_id: c.beneficiaryId,
        city_code: c.cityCode,
        type: c.type,
        status: c.status ?? 'pending',
        billed_fen: c.billedFen ?? null,
        approved_at: c.approvedAt ?? (c.status && c.status !== 'pending' ? new Date() : null),
      })),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/** One beneficiary with its case facts, or undefined. */
export async function findBeneficiary(db: Db, id: string, cipher: RegisterCipher): Promise<BeneficiaryRecord | undefined> {
  const row = (await db.selectFrom('beneficiaries').select(beneficiaryColumns).where('id', '=', id).executeTakeFirst()) as
    SealedRecord | undefined;
  return row && openRecord(row, cipher);
}

/** A page of the register in id order, optionally for one city. */
export async function listBeneficiaries(
  db: Db,
  filter: { cityCode?: string | undefined; limit: number; after?: string | undefined },
  cipher: RegisterCipher,
): Promise<BeneficiaryRecord[]> {
  let query = db.selectFrom('beneficiaries').select(beneficiaryColumns).orderBy('id').limit(filter.limit);
  if (filter.cityCode) query = query.where('city_code', '=', filter.cityCode);
  if (filter.after) query = query.where('id', '>', filter.after);
  return ((await query.execute()) as SealedRecord[]).map((row) => openRecord(row, cipher));
}

/**
 * Replaces a beneficiary's bank details once the bank has verified them, and marks them valid
 * so the next re-payment uses them.
 */
export async function correctBankAccount(
  db: Db,
  bank: BankGateway,
  id: string,
  input: CorrectBankAccountRequest,
  cipher: RegisterCipher,
): Promise<BeneficiaryRecord> {
  const verdict = await bank.verifyAccount(input);
  if (!verdict.valid) {
    throw new HttpError(422, ErrorCode.ValidationFailed, `body.bankAccount: the bank could not verify the account (${verdict.reason})`, {
      issues: [{ field: 'body.bankAccount', rule: verdict.reason }],
    });
  }
  const updated = await db
    .updateTable('beneficiaries')
    .set({
      bank_account_sealed: cipher.seal('bank_account', input.bankAccount),
      bank_account_hash: hashIdentifier(input.bankAccount),
      bank_name: input.bankName,
      bank_status: 'valid',
      // The database clock, so it compares exactly with the failed payment's time.
      bank_verified_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  if (!updated) throw notFound(`beneficiary ${id}`);
  const record = await findBeneficiary(db, id, cipher);
  if (!record) throw notFound(`beneficiary ${id}`);
  return record;
}

/** One payment instruction as a bank gateway sends it: the account in full, decrypted only here. */
export interface PaymentInstruction {
  entitlementId: string;
  payee: string;
  bankAccount: string;
  bankName: string;
  amountFen: string;
}

/** The instructions of a batch, in entitlement id order. */
export async function paymentInstructions(db: Db, batch: PaymentBatch, cipher: RegisterCipher): Promise<PaymentInstruction[]> {
  const ids =
    batch.kind === 'list'
      ? sql`select unnest(${batch.ids}::bigint[])`
      : sql`select e.id from entitlements e
          where e.city_code = ${batch.cityCode} and e.payout_month = ${batch.month} and e.status = 'pending'
            and e.id between ${batch.first}::bigint and ${batch.last}::bigint`;
  const rows = await sql<{ id: string; name: string; bank_account_sealed: string; bank_name: string; amount_fen: string }>`
    select e.id::text as id, b.name, b.bank_account_sealed, b.bank_name, e.amount_fen::text as amount_fen
    from entitlements e join beneficiaries b on b.id = e.beneficiary_id
    where e.id in (${ids})
    order by e.id`.execute(db);
  return rows.rows.map((r) => ({
    entitlementId: r.id,
    payee: r.name,
    bankAccount: cipher.open('bank_account', r.bank_account_sealed),
    bankName: r.bank_name,
    amountFen: r.amount_fen,
  }));
}
