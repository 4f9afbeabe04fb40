import SwaggerParser from '@apidevtools/swagger-parser';
import { loadConfig } from '@fund/shared/server';
import { fetchServedDocument, OFFLINE_ENV, offlineApp, refusalsWithoutErrorBody, routeCoverage } from '@fund/shared/server/testing';
import { budgetConfigSchema } from '../config';
import { budgetService } from '../service';
import { buildOpenApiDocument } from './openapi.document';

// The roles are checked against the running service in test/console.test.ts: here a refused decision
// would be audited in a database nobody serves, and an allowed one waits on Temporal.
describe("the budget service's OpenAPI document", () => {
  const document = buildOpenApiDocument();
  const { app, close } = offlineApp(budgetService(loadConfig(budgetConfigSchema, OFFLINE_ENV)));
  afterAll(close);

  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('is served at GET /openapi.json to a caller with no token', async () => {
    const served = await fetchServedDocument(app);
    expect(served).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), body: JSON.parse(JSON.stringify(document)) });
  });

  it('documents every route the service registers, and no route it does not', () => {
    expect(routeCoverage(app, document)).toEqual({ undocumented: [], unserved: [] });
  });

  it('answers every refusal with the shared error body', () => {
    expect(refusalsWithoutErrorBody(document)).toEqual([]);
  });

  it('documents the cycle API bodies from the schemas its routes parse with', () => {
    const body = (path: string) => (document.paths[path]!.post!.requestBody as any).content['application/json'].schema;
    expect(body('/cycles/{month}/cities/{cityCode}/hrss-decision').properties.decision.enum).toEqual(['approve', 'return']);
    expect(body('/cycles/{month}/cities/{cityCode}/finance-decision').properties.decision.enum).toEqual(['approve', 'return', 'cut']);
    expect(body('/cycles').properties.month).toMatchObject({ type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
  });
});
