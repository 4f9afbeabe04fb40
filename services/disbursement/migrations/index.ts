import type { Migration } from 'kysely';
import * as initial from './2026-11-23T00-00-00_initial';
import * as standardsAndSupervision from './2026-11-26T00-00-00_standards_and_supervision';
import * as entitlementPaidAt from './2026-11-27T00-00-00_entitlement_paid_at';
import * as entitlementFillfactor from './2026-11-28T00-00-00_entitlement_fillfactor';
import * as registerChanges from './2026-11-29T00-00-00_register_changes';
import * as entitlementAccount from './2026-11-30T00-00-00_entitlement_account';
import * as registerSealed from './2026-12-02T00-00-00_register_sealed';

/** The disbursement schema's migrations, in order. */
export const migrations: Record<string, Migration> = {
  '2026-11-23T00-00-00_initial': initial,
  '2026-11-26T00-00-00_standards_and_supervision': standardsAndSupervision,
  '2026-11-27T00-00-00_entitlement_paid_at': entitlementPaidAt,
  '2026-11-28T00-00-00_entitlement_fillfactor': entitlementFillfactor,
  '2026-11-29T00-00-00_register_changes': registerChanges,
  '2026-11-30T00-00-00_entitlement_account': entitlementAccount,
  '2026-12-02T00-00-00_register_sealed': registerSealed,
};
