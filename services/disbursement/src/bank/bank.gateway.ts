import type { Db } from '../db';
import { invalidAccountHolders, rejectedInBatch } from './bank.repository';

/**
 * The entitlements of one payment run, as data: a payout batch is a stretch of a city's run
 * (every pending entitlement from `first` to `last` in id order); a re-payment is a list of ids
 * in one status. Whoever reads the batch writes its own statement from this.
 */
export type PaymentBatch =
  | { kind: 'range'; cityCode: string; month: string; first: string; last: string }
  | { kind: 'list'; ids: readonly string[]; status: 'failed' | 'pending' };

/** The bank's answer to an instruction it would not carry out. */
export interface BankRejection {
  entitlementId: string;
  reason: string;
}

/**
 * The bank, as the payout sees it: a whole batch goes in one submission and the bank answers
 * with the instructions it rejects; every other one is paid. A real gateway reads each
 * instruction's payee, account (decrypted) and amount with `paymentInstructions` through `db`
 * (the batch's own transaction), so a batch of any size reaches the bank without passing
 * through the service's memory row by row, and sends them as one file.
 */
export interface BankGateway {
  /** Submits a batch; returns the rejected instructions. */
  submit(db: Db, batch: PaymentBatch): Promise<BankRejection[]>;
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
      // nothing more is asked. Two statements, so stale statistics on a just-prepared run cannot
      // turn the plan round into a walk of the batch probing the register for each.
      const invalid = await invalidAccountHolders(db);
      if (invalid.length === 0) return [];
      const rejected = await rejectedInBatch(db, invalid, batch);
      return rejected.map((id) => ({ entitlementId: id, reason: ACCOUNT_INVALID }));
    },
    async verifyAccount({ bankAccount }) {
      return /^\d{12,19}$/.test(bankAccount) ? { valid: true } : { valid: false, reason: 'not a bank account number' };
    },
  };
}
