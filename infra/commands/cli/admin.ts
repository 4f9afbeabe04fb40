import { Client, Connection } from '@temporalio/client';
import { cityCode, HUMAN_ROLES, MONTHLY_SCHEDULE_ID, parseCycleClock } from '@fund/shared';
import { EncryptionCodec, type ChainVerification } from '@fund/shared/server';
import { z } from 'zod';
import { applyMonthlySchedule } from '../../schedule';
import { payloadKey, PORTS } from '../../stack';
import { call, expectStatus, operatorToken, printJson, tokenFor } from './api';
import { json, JSON_OPTION } from './inputs';
import { defineCommand } from './parser';

const applySchedule = defineCommand({
  group: 'schedule',
  name: 'apply',
  summary: 'create or update the day-1 monthly schedule (overlap: skip)',
  args: [],
  options: [JSON_OPTION],
  input: z.object({ json }),
  async run(input) {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${PORTS.temporal}` });
    try {
      // The schedule's action carries a workflow input: encode it like every other client does.
      const codec = EncryptionCodec.fromConfig({ PAYLOAD_KEY: payloadKey(), PAYLOAD_PREVIOUS_KEYS: [] });
      const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
      const outcome = await applyMonthlySchedule(client, { clock: parseCycleClock(process.env.CYCLE_CLOCK ?? 'calendar') });
      if (input.json) printJson({ outcome, scheduleId: MONTHLY_SCHEDULE_ID });
      else process.stdout.write(`${outcome} schedule ${MONTHLY_SCHEDULE_ID}\n`);
    } finally {
      await connection.close();
    }
    return 0;
  },
});

const issue = defineCommand({
  group: 'token',
  name: 'issue',
  summary: 'print a signed API token (one hour)',
  args: [],
  options: [
    { name: 'role', value: 'role', required: true, description: `the role the token carries: ${HUMAN_ROLES.join(', ')}` },
    { name: 'user', value: 'id', required: true, description: 'the user the token names' },
    { name: 'city', value: 'code', description: "the city's division code; a city_agency token needs one" },
    JSON_OPTION,
  ],
  input: z
    .object({
      role: z.enum(HUMAN_ROLES, { error: `must be one of ${HUMAN_ROLES.join(', ')}` }),
      user: z.string({ error: 'must name the user' }).min(1, 'must name the user'),
      city: cityCode.optional(),
      json,
    })
    .refine((t) => t.role !== 'city_agency' || t.city, { path: ['city'], message: 'must name the division code of a city_agency token' }),
  async run(input) {
    const token = await tokenFor(input.user, input.role, input.city);
    if (input.json) printJson({ token, role: input.role, user: input.user, ...(input.city ? { city: input.city } : {}) });
    else process.stdout.write(`${token}\n`);
    return 0;
  },
});

const verify = defineCommand({
  group: 'audit',
  name: 'verify',
  summary: "check the audit trail's hash chain; exit 1 naming the first broken row",
  args: [],
  options: [JSON_OPTION],
  input: z.object({ json }),
  async run(input) {
    const result = expectStatus(await call<ChainVerification>('budget', 'GET', '/audit/verify', await operatorToken()));
    if (input.json) printJson(result);
    else if (result.ok) {
      process.stdout.write(`OK: the audit chain is intact (${result.checked} rows${result.lastId ? `, last row ${result.lastId}` : ''})\n`);
    } else {
      process.stdout.write(`BROKEN at row ${result.broken!.id}: ${result.broken!.reason} (${result.checked} rows before it verified)\n`);
    }
    return result.ok ? 0 : 1;
  },
});

/** The `schedule`, `token` and `audit` groups. */
export const ADMIN_COMMANDS = [applySchedule, issue, verify];
