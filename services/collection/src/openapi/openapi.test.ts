import { loadConfig } from '@fund/shared/server';
import { checksEveryServiceDocument, OFFLINE_ENV, offlineApp } from '@fund/shared/server/testing';
import { collectionConfigSchema } from '../config';
import { collectionService } from '../service';
import { buildOpenApiDocument } from './openapi.document';

describe("the collection service's OpenAPI document", () => {
  const document = buildOpenApiDocument();
  const { app, close } = offlineApp(collectionService(loadConfig(collectionConfigSchema, OFFLINE_ENV)));
  afterAll(close);

  checksEveryServiceDocument(app, document, { roles: true });

  it('documents the request bodies the routes parse with: money as fen strings, the industry classes', () => {
    const body = (document.paths['/employers']!.post!.requestBody as any).content['application/json'].schema;
    expect(body.properties.monthlyPayrollFen).toMatchObject({ type: 'string', pattern: '^\\d{1,18}$' });
    expect(body.properties.industryClass).toMatchObject({ type: 'integer', minimum: 1, maximum: 8 });
    expect(body.required).toEqual(expect.arrayContaining(['cityCode', 'name', 'industryClass', 'monthlyPayrollFen']));
  });
});
