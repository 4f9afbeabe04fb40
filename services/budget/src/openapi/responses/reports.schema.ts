import { type StoredReport } from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { instant } from './common.schema';

export const storedReportDoc = z
  .object({ month: z.string(), version: z.number().int(), createdAt: instant, report: z.record(z.string(), z.unknown()) })
  .meta({ id: 'StoredReport', description: "A stored version of a month's reconciliation report." });

agree<Same<z.infer<typeof storedReportDoc>, StoredReport>>();
