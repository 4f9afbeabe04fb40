import SwaggerParser from '@apidevtools/swagger-parser';
import { loadConfig } from '@fund/shared/server';
import {
  fetchServedDocument,
  OFFLINE_ENV,
  offlineApp,
  refusalsWithoutErrorBody,
  roleMismatches,
  routeCoverage,
} from '@fund/shared/server/testing';
import { collectionConfigSchema } from '../config';
import { collectionService } from '../service';
import { buildOpenApiDocument } from './openapi.document';

describe("the collection service's OpenAPI document", () => {
  const document = buildOpenApiDocument();
  const { app, close } = offlineApp(collectionService(loadConfig(collectionConfigSchema, OFFLINE_ENV)));
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

  it('lists for each operation exactly the roles its guard lets through', async () => {
    expect(await roleMismatches(app, document)).toEqual([]);
  });

  it('answers every refusal with the shared error body', () => {
    expect(refusalsWithoutErrorBody(document)).toEqual([]);
  });

  it('documents the request bodies the routes parse with: money as fen strings, the industry classes', () => {
    const body = (document.paths['/employers']!.post!.requestBody as any).content['application/json'].schema;
    expect(body.properties.monthlyPayrollFen).toMatchObject({ type: 'string', pattern: '^\\d{1,18}$' });
    expect(body.properties.industryClass).toMatchObject({ type: 'integer', minimum: 1, maximum: 8 });
    expect(body.required).toEqual(expect.arrayContaining(['cityCode', 'name', 'industryClass', 'monthlyPayrollFen']));
  });
});
