import { createServiceApp, guard, type ServiceDefinition } from '@fund/shared/server';
import { migrations } from '../migrations';
import type { CollectionConfig } from './config';
import { contributionRoutes } from './contributions/contribution.routes';
import type { CollectionDB } from './db';
import { employerRoutes } from './employers/employer.routes';
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
        // Every route declares who may call it; only /healthz, /readyz and /metrics are open.
        const access = guard(config.AUTH_JWT_SECRET);
        app.use(employerRoutes(db, access));
        app.use(contributionRoutes(db, access));
        app.use(transferRoutes(db, access));
      }),
    seed: ({ db, logger }) => seedCollection(db, logger),
  };
}
