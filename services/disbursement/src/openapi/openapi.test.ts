import { loadConfig } from '@fund/shared/server';
import { checksEveryServiceDocument, OFFLINE_ENV, offlineApp } from '@fund/shared/server/testing';
import { disbursementConfigSchema } from '../config';
import { disbursementService } from '../service';
import { buildOpenApiDocument } from './openapi.document';

describe("the disbursement service's OpenAPI document", () => {
  const document = buildOpenApiDocument();
  const { app, close } = offlineApp(disbursementService(loadConfig(disbursementConfigSchema, OFFLINE_ENV)));
  afterAll(close);

  checksEveryServiceDocument(app, document, { roles: true });

  it('documents the request bodies the routes parse with: money as fen strings, the batch limits, the hold reason', () => {
    const body = (path: string, method: 'post' | 'put') =>
      (document.paths[path]![method]!.requestBody as any).content['application/json'].schema;
    expect(body('/pool/receipts', 'post').properties.amountFen).toMatchObject({ type: 'string', pattern: '^\\d{1,18}$' });
    expect(body('/payouts/{month}/{cityCode}/batches', 'post').properties.batchSize).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 20000,
    });
    expect(body('/holds/{entitlementId}/release', 'post').properties.reason).toMatchObject({
      type: 'string',
      minLength: 3,
      maxLength: 2000,
    });
    expect(body('/beneficiaries/{id}/bank-account', 'put').required).toEqual(['bankAccount', 'bankName']);
  });
});
