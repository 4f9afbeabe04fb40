import { registerEmployerSchema } from '@fund/shared';
import { agree, json, ok, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { listQuery as employerListQuery, type present } from '../../employers/employer.routes';
import { employerParams, errors, fen, OWN_CITY } from './common';

const employerDoc = z
  .object({
    id: z.string(),
    cityCode: z.string(),
    name: z.string(),
    industryClass: z.number().int().meta({ description: 'industry risk class 1-8' }),
    rate: z
      .object({
        benchmarkBp: z.number().int().nullable().meta({
          description: "the class's benchmark rate in force today, in basis points of payroll (null before any version is in force)",
        }),
        gradePct: z.number().int().meta({ description: "the employer's floating grade in force today, percent of the benchmark" }),
      })
      .meta({ description: "the rate in force today; a month's due reads the versions in force on its first day" }),
    monthlyPayrollFen: fen,
  })
  .meta({ id: 'Employer', description: 'An employer that pays contributions, in its risk class and on its payroll.' });

const CITY_READERS = ['city_agency', 'provincial_agency', 'operator'] as const;

/** Registering employers and reading them. */
export const employerOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/employers',
    operationId: 'registerEmployer',
    tags: ['Employers'],
    summary: 'Register an employer in its industry risk class',
    ...roles(['city_agency', 'provincial_agency'], "A city agency only in its own city (the body's cityCode)."),
    request: {
      body: {
        required: true,
        content: json(registerEmployerSchema, {
          cityCode: '620100',
          name: 'Lanzhou Petrochemical Works',
          industryClass: 6,
          monthlyPayrollFen: '850000000',
        }),
      },
    },
    responses: { 201: ok('Registered, with its benchmark rate', employerDoc), ...errors(400, 401, 403) },
  },
  {
    method: 'get',
    path: '/employers',
    operationId: 'listEmployers',
    tags: ['Employers'],
    summary: "A city's employers, oldest first, a page at a time",
    ...roles(CITY_READERS, OWN_CITY),
    request: { query: employerListQuery },
    responses: {
      200: ok('One page; pass the last id as `after` for the next', z.object({ employers: z.array(employerDoc) })),
      ...errors(400, 401, 403),
    },
  },
  {
    method: 'get',
    path: '/employers/{id}',
    operationId: 'getEmployer',
    tags: ['Employers'],
    summary: 'One employer',
    ...roles(CITY_READERS, OWN_CITY),
    request: { params: employerParams },
    responses: { 200: ok('The employer', employerDoc), ...errors(401, 403, 404) },
  },
];

agree<Same<z.infer<typeof employerDoc>, ReturnType<typeof present>>>();
