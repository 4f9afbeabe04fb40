import { openApiDocument, type ApiOperation } from '@fund/shared/server';
import { auditOperations } from './operations/audit';
import { budgetReadOperations, budgetWriteOperations } from './operations/budgets';
import { cycleOperations } from './operations/cycles';
import { planReadOperations, planStepOperations } from './operations/plans';
import { reportReadOperations, reportStepOperations } from './operations/reports';

/**
 * Every route of the budget service: the cycle API for people, the read endpoints reviewers use, and the
 * steps the cycle worker records. The roles are each route's guard; openapi.test.ts and test/console.test.ts check them.
 * The features are concatenated in the order the document lists them.
 */
export const OPERATIONS: ApiOperation[] = [
  ...cycleOperations,
  ...planReadOperations,
  ...budgetReadOperations,
  ...reportReadOperations,
  ...budgetWriteOperations,
  ...planStepOperations,
  ...reportStepOperations,
  ...auditOperations,
];

/** Builds the OpenAPI 3.0 document of the budget service from the zod schemas its routes parse with. */
export function buildOpenApiDocument() {
  return openApiDocument({
    title: 'Provincial work-injury fund: budget service',
    description:
      'The monthly cycle API (start a month, submit plans, HRSS and finance decisions), the read endpoints reviewers use, and the steps the cycle worker records here (plans, reviews, budget commitments, reports). Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.',
    tags: [
      { name: 'Cycles', description: 'Workflow-backed monthly cycle: each decision is a Temporal Workflow Update.' },
      { name: 'Plans', description: "Recorded plan versions and their reviews, the reviewers' list and history." },
      { name: 'Budgets', description: 'Annual budgets, the commitments against them and what remains.' },
      { name: 'Reports', description: 'Stored monthly reconciliation reports.' },
      { name: 'Audit', description: 'The hash-chained trail of every decision attempt, accepted or refused.' },
    ],
    operations: OPERATIONS,
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
