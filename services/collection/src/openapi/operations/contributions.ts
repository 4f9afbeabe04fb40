import { reportContributionSchema } from '@fund/shared';
import { agree, json, ok, roles, type ApiOperation, type Same } from '@fund/shared/server';
import { z } from 'zod';
import type { recordContribution } from '../../contributions/contribution.repository';
import { errors } from './common';

const contributionRecordedDoc = z.object({ contributionId: z.string(), cityCode: z.string(), replayed: z.boolean() }).meta({
  id: 'ContributionRecorded',
  description: "A contribution booked into the city's income account; replayed when the reference was reported before.",
});

/** The contributions the tax bureau reports. */
export const contributionOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/contributions',
    operationId: 'reportContribution',
    tags: ['Contributions'],
    summary: 'The tax bureau reports a contribution it collected',
    ...roles(
      ['provincial_agency'],
      "The bureau's receipt reference is the idempotency key: reporting it again books nothing (200, replayed).",
    ),
    request: {
      body: {
        required: true,
        content: json(reportContributionSchema, {
          employerId: '42',
          month: '2027-01',
          amountFen: '9350000',
          reference: 'GS-TAX-2027-000123',
        }),
      },
    },
    responses: {
      201: ok("Booked into the city's income account", contributionRecordedDoc),
      200: ok('Reported before; nothing booked again', contributionRecordedDoc),
      ...errors(400, 401, 403, 409, 422),
    },
  },
];

agree<Same<z.infer<typeof contributionRecordedDoc>, Awaited<ReturnType<typeof recordContribution>>>>();
