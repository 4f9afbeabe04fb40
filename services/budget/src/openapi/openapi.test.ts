import { loadConfig } from '@fund/shared/server';
import { checksEveryServiceDocument, OFFLINE_ENV, offlineApp } from '@fund/shared/server/testing';
import { budgetConfigSchema } from '../config';
import { budgetService } from '../service';
import { buildOpenApiDocument } from './openapi.document';

// The roles are checked against the running service in test/console.test.ts: here a refused decision
// would be audited in a database nobody serves, and an allowed one waits on Temporal.
describe("the budget service's OpenAPI document", () => {
  const document = buildOpenApiDocument();
  const { app, close } = offlineApp(budgetService(loadConfig(budgetConfigSchema, OFFLINE_ENV)));
  afterAll(close);

  checksEveryServiceDocument(app, document, { roles: false });

  it('documents the cycle API bodies from the schemas its routes parse with', () => {
    const body = (path: string) => (document.paths[path]!.post!.requestBody as any).content['application/json'].schema;
    expect(body('/cycles/{month}/cities/{cityCode}/hrss-decision').properties.decision.enum).toEqual(['approve', 'return']);
    expect(body('/cycles/{month}/cities/{cityCode}/finance-decision').properties.decision.enum).toEqual(['approve', 'return', 'cut']);
    expect(body('/cycles').properties.month).toMatchObject({ type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
  });
});
