import { createServiceApp, guard, type ServiceDefinition } from '@fund/shared/server';
import { migrations } from '../migrations';
import { auditRoutes } from './audit/audit.routes';
import { budgetRoutes } from './budgets/budget.routes';
import { commitmentRoutes } from './commitments/commitment.routes';
import { consoleRoutes } from './console/console.routes';
import type { BudgetConfig } from './config';
import { CycleGateway } from './cycles/cycle.client';
import { cycleRoutes } from './cycles/cycle.routes';
import type { BudgetDB } from './db';
import { openapiRoutes } from './openapi/openapi.routes';
import { planRoutes } from './plans/plan.routes';
import { reportRoutes } from './reports/report.routes';
import { reviewRoutes } from './reviews/review.routes';
import { seedBudgets } from './seed';

/** The budget service: annual budgets and commitments, expenditure plans and their reviews, monthly reports. */
export function budgetService(config: Readonly<BudgetConfig>): ServiceDefinition<BudgetDB, Readonly<BudgetConfig>> {
  return {
    name: 'budget',
    config,
    migrations,
    buildApp: ({ db, logger, metrics }) =>
      createServiceApp({ db, logger, metrics, config }, (app) => {
        // Public, and mounted first so no authentication added below reaches them: the page holds no data until a token is given.
        app.use(consoleRoutes());
        app.use(openapiRoutes());
        // Every route below declares who may call it (a signed token, then its role and city).
        const access = guard(config.AUTH_JWT_SECRET);
        app.use(budgetRoutes(db, access));
        app.use(commitmentRoutes(db, access));
        app.use(planRoutes(db, access));
        app.use(reviewRoutes(db, access));
        app.use(reportRoutes(db, access));
        app.use(auditRoutes(db, access));
        const gateway = new CycleGateway(config);
        gateway.registerMetrics(metrics.registry);
        app.use(cycleRoutes(gateway, db, access));
      }),
    seed: ({ db, logger }) => seedBudgets(db, logger, config.DEMO_BENEFICIARIES),
  };
}
