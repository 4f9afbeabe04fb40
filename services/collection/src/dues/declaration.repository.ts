import { ErrorCode, type DeclarePayrollRequest } from '@fund/shared';
import { conflict, HttpError, once } from '@fund/shared/server';
import type { Kysely, Transaction } from 'kysely';
import type { CollectionDB } from '../db';
import { findEmployer } from '../employers/employer.repository';

/**
 * Records the tax bureau's declaration of an employer's payroll for a month. The bureau's
 * reference is the idempotency key: a repeated declaration records nothing. One declaration per
 * employer and month: another reference for a declared month is a conflict.
 */
export async function declarePayroll(db: Kysely<CollectionDB>, input: DeclarePayrollRequest) {
  return db.transaction().execute((trx) => declarePayrollIn(trx, input));
}

/** `declarePayroll` inside the caller's transaction. */
export async function declarePayrollIn(trx: Transaction<CollectionDB>, input: DeclarePayrollRequest) {
  const { response, replayed } = await once(trx, `declaration:${input.reference}`, input, async () => {
    const employer = await findEmployer(trx, input.employerId);
    if (!employer) {
      throw new HttpError(422, ErrorCode.ValidationFailed, `body.employerId: employer ${input.employerId} is not registered`, {
        issues: [{ field: 'body.employerId', rule: 'must be a registered employer' }],
      });
    }
    const declared = await trx
      .selectFrom('payroll_declarations')
      .select('reference')
      .where('employer_id', '=', employer.id)
      .where('month', '=', input.month)
      .executeTakeFirst();
    if (declared) {
      throw conflict(ErrorCode.Conflict, `employer ${employer.id} already declared its payroll for ${input.month} (reference ${declared.reference})`);
    }
    const row = await trx
      .insertInto('payroll_declarations')
      .values({ employer_id: employer.id, city_code: employer.city_code, month: input.month, payroll_fen: input.payrollFen, reference: input.reference })
      .returning(['id', 'city_code'])
      .executeTakeFirstOrThrow();
    return { declarationId: row.id, cityCode: row.city_code };
  });
  return { ...response, replayed };
}
