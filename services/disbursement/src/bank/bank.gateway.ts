import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db';

/**
 * A batch as a query yielding its entitlement ids (column `id`), so a batch of any size reaches
 * the bank without passing through the service's memory row by row.
 */
export type BatchQuery = RawBuilder<{ id: string }>;

/** The bank's answer to an instruction it would not carry out. */
export interface BankRejection {
  entitlementId: string;
  reason: string;
}

/**
 * The bank, as the payout sees it: a whole batch goes in one submission and the bank answers
 * with the instructions it rejects; every other one is paid. A real gateway reads each
 * instruction's payee, account (decrypted) and amount with `paymentInstructions` through `db`
 * (the batch's own transaction), and sends them as one file.
 */
export interface BankGateway {
  /** Submits a batch; returns the rejected instructions. */
  submit(db: Db, batch: BatchQuery): Promise<BankRejection[]>;
  /** Re-verifies corrected details before they are used again. */
  verifyAccount(details: { bankAccount: string; bankName: string }): Promise<{ valid: true } | { valid: false; reason: string }>;
}

/** Why the simulated bank rejects a payment. */
export const ACCOUNT_INVALID = 'account number does not exist or does not match the holder';

/**
 * A bank for demos and tests. It "knows" the accounts the register marks 'invalid' (wrong
 * details, as a real bank would find out) and rejects every instruction to one of them.
 */
export function simulatedBank(): BankGateway {
  return {
    async submit(db, batch) {
      // From the few invalid accounts to their entitlements, not from the whole batch; with none,
      // nothing more is asked. Two statements, so the statistics cannot turn it round: on a
      // just-prepared run they may still count its entitlements as none, and the planner then
      // walked the batch to probe the register for each (Lanzhou: 7 ms, against 0.1).
      const invalid = await sql<{ id: string }>`select id from beneficiaries where bank_status = 'invalid'`.execute(db);
      if (invalid.rows.length === 0) return [];
      const rejected = await sql<{ id: string }>`
        select e.id from entitlements e
        where e.beneficiary_id = any(${invalid.rows.map((r) => r.id)}::bigint[]) and e.id in (${batch})`.execute(db);
      return rejected.rows.map((r) => ({ entitlementId: r.id, reason: ACCOUNT_INVALID }));
    },
    async verifyAccount({ bankAccount }) {
      return /^\d{12,19}$/.test(bankAccount) ? { valid: true } : { valid: false, reason: 'not a bank account number' };
    },
  };
}
