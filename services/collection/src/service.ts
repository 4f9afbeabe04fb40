import type { TransferRequest } from '@fund/shared';
import { createServiceApp, guard, openApiRoutes, type ServiceDefinition } from '@fund/shared/server';
import { migrations } from '../migrations';
import type { CollectionConfig } from './config';
import { contributionRoutes } from './contributions/contribution.routes';
import type { CollectionDB } from './db';
import { feedDemoCity } from './demo/tax-bureau';
import { duesRoutes } from './dues/dues.routes';
import { employerRoutes } from './employers/employer.routes';
import { buildOpenApiDocument } from './openapi/openapi.document';
import { rateRoutes } from './rates/rate.routes';
import { seedCollection } from './seed';
import { transferRoutes } from './transfers/transfer.routes';

/** The collection service: employers, contributions, city income accounts, transfers up. */
export function collectionService(config: CollectionConfig): ServiceDefinition<CollectionDB, CollectionConfig> {
  return {
    name: 'collection',
    config,
    migrations,
    buildApp: ({ db, logger, metrics }) =>
      createServiceApp({ db, logger, metrics, config }, (app) => {
        // Every route declares who may call it; only /healthz, /readyz, /metrics and /openapi.json are open.
        app.use(openApiRoutes(buildOpenApiDocument()));
        const access = guard(config.AUTH_JWT_SECRET);
        app.use(employerRoutes(db, access));
        app.use(contributionRoutes(db, access));
        app.use(duesRoutes(db, access));
        app.use(rateRoutes(db, access));
        // The demo's tax bureau reports each month just before the city's transfer needs it, whatever month the demo runs.
        const demoFeed = config.SEED_DEMO ? (input: TransferRequest) => feedDemoCity(db, input.cityCode, input.month) : undefined;
        app.use(transferRoutes(db, access, demoFeed));
      }),
    seed: ({ db, logger }) => seedCollection(db, logger),
  };
}
