import { openApiDocument, type ApiOperation } from '@fund/shared/server';
import { holdOperations } from './operations/holds';
import { payoutOperations } from './operations/payouts';
import { poolOperations } from './operations/pool';
import { reconciliationOperations } from './operations/reconciliation';
import { registerOperations } from './operations/register';
import { reportOperations } from './operations/reports';
import { standardOperations } from './operations/standards';

/**
 * Every route of the disbursement service, with the schemas its handler parses with and the roles its guard lets through.
 * The features are concatenated in the order the document lists them.
 */
export const OPERATIONS: ApiOperation[] = [
  ...poolOperations,
  ...registerOperations,
  ...payoutOperations,
  ...reportOperations,
  ...holdOperations,
  ...standardOperations,
  ...reconciliationOperations,
];

/** Builds the OpenAPI 3.0 document of the disbursement service from the zod schemas its routes parse with. */
export function buildOpenApiDocument() {
  return openApiDocument({
    title: 'Provincial work-injury fund: disbursement service',
    description:
      'The provincial special account, city expenditure accounts, the beneficiary register, entitlements from the unified standards, payouts and their supervision. Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.',
    tags: [
      { name: 'Pool', description: 'The provincial special account: receipts, reservations, allocations. Only the cycle moves money.' },
      { name: 'Register', description: 'The beneficiary register and bank detail corrections.' },
      { name: 'Payouts', description: "Plan drafts, the month's entitlements, batches of payments and re-payments." },
      { name: 'Reports', description: 'Who waited in a month, and how much was paid on time.' },
      { name: 'Holds', description: 'Payments the supervision rules held, their review, and the audit trail.' },
      { name: 'Standards', description: 'Versioned benefit standards and yearly figures.' },
      { name: 'Reconciliation', description: 'Month-close figures per city and for the whole pool.' },
    ],
    operations: OPERATIONS,
  });
}
