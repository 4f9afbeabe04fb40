import { type MovementResult, type PoolPosition, type ReleaseResult } from '@fund/shared';
import { agree, type Same } from '@fund/shared/server';
import { z } from 'zod';
import { fen, replayed, signedFen } from './common.schema';

export const poolPositionDoc = z
  .object({ balanceFen: signedFen, reservedFen: fen, availableFen: signedFen.meta({ description: 'balance less what is reserved' }) })
  .meta({ id: 'PoolPosition', description: 'The provincial special account: its balance and what of it is reserved.' });

export const movementDoc = z
  .object({ id: z.string(), amountFen: fen, replayed })
  .meta({ id: 'MovementResult', description: 'A receipt, reservation or allocation booked (or replayed).' });

export const releaseDoc = z
  .object({ id: z.string().nullable(), amountFen: fen, released: z.boolean(), replayed })
  .meta({ id: 'ReleaseResult', description: 'What a release did; released false (id null) when the city had no active reservation.' });

agree<Same<z.infer<typeof poolPositionDoc>, PoolPosition>>();
agree<Same<z.infer<typeof movementDoc>, MovementResult>>();
agree<Same<z.infer<typeof releaseDoc>, ReleaseResult>>();
