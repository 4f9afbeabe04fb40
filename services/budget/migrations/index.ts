import type { Migration } from 'kysely';
import * as initial from './2026-11-24T00-00-00_initial';
import * as auditEvents from './2026-11-25T00-00-00_audit_events';
import * as operatorDecisions from './2026-12-02T00-00-00_operator_decisions';

/** The budget schema's migrations, in order. */
export const migrations: Record<string, Migration> = {
  '2026-11-24T00-00-00_initial': initial,
  '2026-11-25T00-00-00_audit_events': auditEvents,
  '2026-12-02T00-00-00_operator_decisions': operatorDecisions,
};
