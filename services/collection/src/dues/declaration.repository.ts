import { ErrorCode, type DeclarePayrollRequest } from '@fund/shared';
import { conflict } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import type { CollectionDB } from '../db';
import { registeredEmployers } from '../employers/employer.repository';
import { onceEach } from '../idempotency';

/**
 * Records the tax bureau's declaration of an employer's payroll for a month. The bureau's
 * reference is the idempotency key: a repeated declaration records nothing. One declaration per
 * employer and month: another reference for a declared month is a conflict.
 */
export async function declarePayroll(db: Kysely<CollectionDB>, input: DeclarePayrollRequest) {
  const [result] = await db.transaction().execute((trx) => declarePayrollsIn(trx, [input]));
  return result!;
}

/** `declarePayroll` for many declarations inside the caller's transaction. */
export async function declarePayrollsIn(trx: Transaction<CollectionDB>, inputs: readonly DeclarePayrollRequest[]) {
  const results = await onceEach(
    trx,
    inputs.map((input) => ({ key: `declaration:${input.reference}`, request: input })),
    async (fresh) => {
      const employers = await registeredEmployers(
        trx,
        fresh.map((i) => i.employerId),
      );
      const declared = await trx
        .selectFrom('payroll_declarations')
        .select(['employer_id', 'month', 'reference'])
        .where((eb) => eb.or(fresh.map((i) => eb.and([eb('employer_id', '=', i.employerId), eb('month', '=', i.month)]))))
        .executeTakeFirst();
      if (declared) {
        throw conflict(
          ErrorCode.Conflict,
          `employer ${declared.employer_id} already declared its payroll for ${declared.month} (reference ${declared.reference})`,
        );
      }
      const rows = await trx
        .insertInto('payroll_declarations')
        .values(
          fresh.map((input) => ({
            employer_id: input.employerId,
            city_code: employers.get(input.employerId)!.city_code,
            month: input.month,
            payroll_fen: input.payrollFen,
            reference: input.reference,
          })),
        )
        .returning(['id', 'city_code', 'reference'])
        .execute();
      const byReference = new Map(rows.map((r) => [r.reference, r]));
      return fresh.map((input) => ({
        declarationId: byReference.get(input.reference)!.id,
        cityCode: byReference.get(input.reference)!.city_code,
      }));
    },
  );
  return results.map(({ response, replayed }) => ({ ...response, replayed }));
}
