import { createServiceApp, guard, openApiRoutes, type ServiceDefinition } from '@fund/shared/server';
import { migrations } from '../migrations';
import { simulatedBank, type BankGateway } from './bank/bank.gateway';
import { DEMO_STANDARDS, DEMO_YEARLY_PARAMETERS } from './benefits';
import type { DisbursementConfig } from './config';
import type { DisbursementDB } from './db';
import { draftRoutes } from './entitlements/draft.routes';
import type { BenefitRules } from './entitlements/entitlement.compute';
import { holdRoutes } from './holds/hold.routes';
import { buildOpenApiDocument } from './openapi/openapi.document';
import { paymentMetrics } from './payouts/payout.metrics';
import { payoutRoutes } from './payouts/payout.routes';
import { payoutReportRoutes } from './payouts/report.routes';
import { poolRoutes } from './pool/pool.routes';
import { reconciliationRoutes } from './reconciliation/reconciliation.routes';
import { beneficiaryRoutes } from './register/beneficiary.routes';
import { RegisterCipher } from './register/register-cipher';
import { sealRegister } from './register/sealing';
import { seedDisbursement } from './seed';
import { standardsSource } from './standards/standards.repository';
import { standardsRoutes } from './standards/standards.routes';

/** What the service is built with; tests and future deployments may swap the bank or the standards. */
export interface DisbursementDeps {
  bank: BankGateway;
  /**
   * Reference data: the standards and yearly figures stored at first use where missing (see
   * `standardsSource`); from then on entitlements are computed with what is stored.
   */
  rules: BenefitRules;
}

/**
 * The disbursement service: the provincial special account, city expenditure accounts, the
 * beneficiary register, the month's entitlements and their payout.
 */
export function disbursementService(
  config: DisbursementConfig,
  deps: Partial<DisbursementDeps> = {},
): ServiceDefinition<DisbursementDB, DisbursementConfig> {
  const bank = deps.bank ?? simulatedBank();
  const standards = standardsSource(deps.rules ?? { standards: DEMO_STANDARDS, yearlyParams: DEMO_YEARLY_PARAMETERS });
  const cipher = RegisterCipher.fromConfig(config);
  return {
    name: 'disbursement',
    config,
    migrations,
    buildApp: ({ db, logger, metrics }) =>
      createServiceApp({ db, logger, metrics, config }, (app) => {
        // Every route declares who may call it; only /healthz, /readyz, /metrics and /openapi.json are open.
        app.use(openApiRoutes(buildOpenApiDocument()));
        const access = guard(config.AUTH_JWT_SECRET);
        app.use(poolRoutes(db, access));
        app.use(beneficiaryRoutes(db, bank, cipher, access));
        app.use(draftRoutes(db, standards, access));
        app.use(
          payoutRoutes(db, bank, standards, access, {
            metrics: paymentMetrics(metrics.registry),
            provincialConcurrency: config.PROVINCIAL_PAYOUT_CONCURRENCY,
            cipher,
          }),
        );
        app.use(payoutReportRoutes(db, access));
        app.use(holdRoutes(db, bank, access));
        app.use(standardsRoutes(db, standards, access));
        app.use(reconciliationRoutes(db, access));
      }),
    // The register's ID numbers and accounts under REGISTER_KEY before anything reads them (see `sealRegister`).
    prepare: async ({ db, logger }) => {
      const result = await sealRegister(db, cipher);
      if (result.sealed + result.rekeyed > 0)
        logger.info({ ...result, keyId: cipher.keyId }, 'register identifiers encrypted under the current register key');
    },
    seed: ({ db, logger, config: c }) => seedDisbursement(db, logger, { beneficiaries: c.DEMO_BENEFICIARIES, standards, cipher }),
  };
}
