import { openApiDocument, type ApiOperation } from '@fund/shared/server';
import { contributionOperations } from './operations/contributions';
import { declarationOperations, employerDuesOperations } from './operations/dues';
import { employerOperations } from './operations/employers';
import { employerGradeOperations, rateVersionOperations } from './operations/rates';
import { transferOperations } from './operations/transfers';

/**
 * Every route of the collection service, with the schemas its handler parses with and the roles its guard lets through.
 * The features are concatenated in the order the document lists them.
 */
export const OPERATIONS: ApiOperation[] = [
  ...employerOperations,
  ...employerDuesOperations,
  ...employerGradeOperations,
  ...declarationOperations,
  ...rateVersionOperations,
  ...contributionOperations,
  ...transferOperations,
];

/** Builds the OpenAPI 3.0 document of the collection service from the zod schemas its routes parse with. */
export function buildOpenApiDocument() {
  return openApiDocument({
    title: 'Provincial work-injury fund: collection service',
    description:
      "Employers, the rates as versioned data and each employer's floating grade, the payroll declarations and contributions the tax bureau reports, what employers owe against what came in (arrears and late fees), the city income accounts and the monthly transfer up to the province. Money is integer fen written as a decimal string (100 fen = 1 yuan). Every refusal answers with the ErrorBody shape.",
    tags: [
      { name: 'Employers', description: 'Who pays contributions, in which risk class, on what payroll.' },
      {
        name: 'Rates',
        description:
          "Benchmark rates of the eight industry classes and the grades each may float to, as versions in force from their first day; each employer's grade over time.",
      },
      {
        name: 'Dues',
        description:
          'Payroll declarations, and what each employer and city owes against what came in: due, received, arrears and late fees.',
      },
      { name: 'Contributions', description: "Contributions collected by the tax bureau, booked into the city's income account." },
      { name: 'Transfers', description: 'The city-to-province transfer the cycle moves, and the collection side of reconciliation.' },
    ],
    operations: OPERATIONS,
  });
}
