import { openApiRoutes } from '@fund/shared/server';
import { Router } from 'express';
import { DOCS_CSP, renderDocsPage } from './docs.page';
import { buildOpenApiDocument } from './openapi.document';

/** GET /openapi.json (the document) and GET /docs (a page listing its operations); both public. */
export function openapiRoutes(): Router {
  const document = buildOpenApiDocument();
  const page = renderDocsPage(document);
  const router = Router();
  router.use(openApiRoutes(document));
  router.get('/docs', (_req, res) => {
    res.set({
      'Content-Security-Policy': DOCS_CSP,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.type('html').send(page);
  });
  return router;
}
