import { employerGradeSchema, publishRateVersionSchema } from '@fund/shared';
import { agree, errorResponses, json, ok, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { gradeHistory, RateVersion, scheduleEmployerGrade } from '../../rates/rate.repository';
import { versionParams } from '../../rates/rate.routes';
import { employerErrors, employerParams, errors, OWN_CITY } from './common';

const employerGradesDoc = z
  .object({
    employerId: z.string(),
    industryClass: z.number().int(),
    grades: z.array(
      z.object({
        effectiveFrom: z.string().meta({ description: 'the first of the month the grade is in force from' }),
        gradePct: z.number().int().meta({ description: "percent of the class's benchmark" }),
        reason: z.string(),
        decidedBy: z.string(),
      }),
    ),
  })
  .meta({ id: 'EmployerGrades', description: "An employer's floating grades, oldest first; each is in force until the next." });

const rateVersionDoc = z
  .object({
    effectiveFrom: z.string().meta({ description: 'the first of the month the version is in force from' }),
    reason: z.string(),
    publishedBy: z.string(),
    benchmarksBp: z
      .record(z.string(), z.number().int())
      .meta({ description: 'industry class 1-8 to its benchmark, basis points of payroll' }),
    grades: z
      .record(z.string(), z.array(z.number().int()))
      .meta({ description: 'industry class 1-8 to the grades it may float to, percent of its benchmark' }),
    inForce: z.boolean().meta({ description: 'its first day has come: never rewritten' }),
  })
  .meta({
    id: 'RateVersion',
    description: "The benchmark of every class and the grades it may float to, in force from its first day until the next version's.",
  });

const rateErrors = errorResponses({
  404: 'NOT_FOUND: no version from that day',
  409: "CONFLICT: the day is on or before the latest version's (a new version must follow it), or the version is already in force (never rewritten)",
  422: "VALIDATION_FAILED: the day is not in the future, or the body's effectiveFrom is not the version being revised",
});

const RATE_EXAMPLE = {
  effectiveFrom: '2028-01-01',
  benchmarksBp: { 1: 20, 2: 40, 3: 70, 4: 90, 5: 110, 6: 130, 7: 160, 8: 190 },
  grades: {
    1: [100, 120, 150],
    2: [50, 80, 100, 120, 150],
    3: [50, 80, 100, 120, 150],
    4: [50, 80, 100, 120, 150],
    5: [50, 80, 100, 120, 150],
    6: [50, 80, 100, 120, 150],
    7: [50, 80, 100, 120, 150],
    8: [50, 80, 100, 120, 150],
  },
  reason: 'Provincial notice on the 2028 work-injury insurance rates',
};

/** An employer's floating grades: read them, and set one from a future month. */
export const employerGradeOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/employers/{id}/grades',
    operationId: 'employerGrades',
    tags: ['Rates'],
    summary: "An employer's floating grades over time",
    ...roles(['city_agency', 'provincial_agency', 'operator', 'system'], `${OWN_CITY} A month with no grade is at 100% (the benchmark).`),
    request: { params: employerParams },
    responses: { 200: ok('Its grades, oldest first', employerGradesDoc), ...employerErrors(401, 403, 404) },
  },
  {
    method: 'post',
    path: '/employers/{id}/grades',
    operationId: 'scheduleEmployerGrade',
    tags: ['Rates'],
    summary: "Set an employer's grade from a future first of the month",
    ...roles(
      ['provincial_agency', 'system'],
      "The rate review publishes each employer's new grade; the provincial agency may set one by hand. A grade in force is never rewritten.",
    ),
    request: {
      params: employerParams,
      body: {
        required: true,
        content: json(employerGradeSchema, {
          effectiveFrom: '2028-01-01',
          gradePct: 120,
          reason: 'annual review: claims above the class average',
        }),
      },
    },
    responses: {
      201: ok('Scheduled; the grade history as it now stands', employerGradesDoc),
      ...employerErrors(400, 401, 403, 404, 409, 422),
    },
  },
];

/** The rate versions: list, publish the next, revise one not yet in force. */
export const rateVersionOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/rates/versions',
    operationId: 'listRateVersions',
    tags: ['Rates'],
    summary: 'Every rate version, oldest first',
    ...roles(['city_agency', 'hrss_reviewer', 'finance_reviewer', 'provincial_agency', 'operator', 'system']),
    responses: {
      200: ok('The versions; inForce marks those whose first day has come', z.object({ versions: z.array(rateVersionDoc) })),
      ...errors(401, 403),
    },
  },
  {
    method: 'post',
    path: '/rates/versions',
    operationId: 'publishRateVersion',
    tags: ['Rates'],
    summary: 'Publish the next rate version from a future first of the month',
    ...roles(['provincial_agency'], "The day must be later than every existing version's. Class 1 never floats below its benchmark."),
    request: { body: { required: true, content: json(publishRateVersionSchema, RATE_EXAMPLE) } },
    responses: { 201: ok('Published', rateVersionDoc), ...rateErrors(400, 401, 403, 409, 422) },
  },
  {
    method: 'put',
    path: '/rates/versions/{effectiveFrom}',
    operationId: 'reviseRateVersion',
    tags: ['Rates'],
    summary: 'Revise a rate version not yet in force',
    ...roles(['provincial_agency'], "The body's effectiveFrom must be the version's own; a version in force is never rewritten (409)."),
    request: { params: versionParams, body: { required: true, content: json(publishRateVersionSchema, RATE_EXAMPLE) } },
    responses: { 200: ok('Revised', rateVersionDoc), ...rateErrors(400, 401, 403, 404, 409, 422) },
  },
];

agree<Same<z.infer<typeof employerGradesDoc>['grades'], Awaited<ReturnType<typeof gradeHistory>>>>();
agree<Same<z.infer<typeof employerGradesDoc>['grades'], Awaited<ReturnType<typeof scheduleEmployerGrade>>>>();
agree<Same<z.infer<typeof rateVersionDoc>, RateVersion>>();
