import { createHash } from 'node:crypto';
import type { OpenApiDocument } from './openapi.document';

// One stylesheet, inline: the page must stand alone (no CDN, no internet), and the CSP names its hash.
const STYLE = `
body { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem; line-height: 1.5; color: #1b1b1b; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
pre { background: #f4f5f7; padding: 0.75rem; overflow-x: auto; border-radius: 4px; }
table { border-collapse: collapse; margin: 0.5rem 0; }
th, td { border: 1px solid #c8ccd1; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
.op { border-top: 1px solid #c8ccd1; padding-top: 0.5rem; margin-top: 1.5rem; }
.method { display: inline-block; min-width: 3.5rem; font-weight: 700; text-transform: uppercase; }
.post { color: #7a3e00; } .get { color: #0b5a2a; }
a:focus-visible { outline: 3px solid #1a5fb4; outline-offset: 2px; }
`;

/** The value of the docs page's Content-Security-Policy: nothing but its own inline stylesheet. */
export const DOCS_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escape = (text: unknown): string =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type Json = Record<string, any>;

const refName = (ref: string): string => ref.replace('#/components/schemas/', '');

/** A short type description of a schema, linking component references. */
function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return `<a href="#schema-${escape(refName(schema.$ref))}">${escape(refName(schema.$ref))}</a>`;
  if (schema.type === 'array') return `array of ${typeOf(schema.items)}`;
  const parts = [escape(schema.type ?? 'any')];
  if (schema.enum) parts.push(`one of ${schema.enum.map((v: unknown) => `<code>${escape(v)}</code>`).join(', ')}`);
  if (schema.pattern) parts.push(`pattern <code>${escape(schema.pattern)}</code>`);
  if (schema.minimum !== undefined) parts.push(`min ${escape(schema.minimum)}`);
  if (schema.maximum !== undefined) parts.push(`max ${escape(schema.maximum)}`);
  if (schema.default !== undefined) parts.push(`default ${escape(schema.default)}`);
  if (schema.nullable) parts.push('or null');
  return parts.join(', ');
}

function fields(schema: Json): string {
  const props = Object.entries((schema.properties ?? {}) as Record<string, Json>);
  if (props.length === 0) return `<p>${typeOf(schema)}</p>`;
  const required = new Set<string>(schema.required ?? []);
  const rows = props
    .map(
      ([name, prop]) =>
        `<tr><td><code>${escape(name)}</code></td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${typeOf(prop)}</td><td>${escape(prop.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th scope="col">field</th><th scope="col">required</th><th scope="col">type</th><th scope="col">meaning</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function operation(method: string, path: string, op: Json): string {
  const id = escape(op.operationId ?? `${method}-${path}`);
  const parameters = (op.parameters ?? []) as Json[];
  const paramTable = parameters.length
    ? `<h4>Parameters</h4><table><thead><tr><th scope="col">name</th><th scope="col">in</th><th scope="col">required</th><th scope="col">type</th><th scope="col">meaning</th></tr></thead><tbody>${parameters
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${typeOf(p.schema)}</td><td>${escape(p.description ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const body = op.requestBody?.content?.['application/json'];
  const bodyHtml = body
    ? `<h4>Request body (application/json)</h4>${fields(body.schema)}${body.example ? `<p>Example:</p><pre>${escape(JSON.stringify(body.example, null, 2))}</pre>` : ''}`
    : '';
  const responses = Object.entries((op.responses ?? {}) as Record<string, Json>)
    .map(
      ([status, r]) =>
        `<tr><td>${escape(status)}</td><td>${escape(r.description ?? '')}</td><td>${typeOf(r.content?.['application/json']?.schema)}</td></tr>`,
    )
    .join('');
  return `<section class="op" id="op-${id}" aria-labelledby="h-${id}">
<h3 id="h-${id}"><span class="method ${escape(method)}">${escape(method)}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary ?? '')}</p>${op.description ? `<p>${escape(op.description)}</p>` : ''}
${paramTable}${bodyHtml}
<h4>Responses</h4><table><thead><tr><th scope="col">status</th><th scope="col">meaning</th><th scope="col">body</th></tr></thead><tbody>${responses}</tbody></table>
</section>`;
}

/** Renders the document as one self-contained HTML page: every operation by tag, then the schemas. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const ops = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op: op as Json })),
  );
  const tags = (doc.tags ?? []).map((t) => t.name);
  const toc = ops
    .map(
      ({ method, path, op }) =>
        `<li><a href="#op-${escape(op.operationId)}"><span class="method ${escape(method)}">${escape(method)}</span> <code>${escape(path)}</code></a> ${escape(op.summary ?? '')}</li>`,
    )
    .join('');
  const sections = tags
    .map((tag) => {
      const own = ops.filter(({ op }) => (op.tags ?? []).includes(tag));
      const info = doc.tags?.find((t) => t.name === tag);
      return `<h2 id="tag-${escape(tag)}">${escape(tag)}</h2><p>${escape(info?.description ?? '')}</p>${own.map(({ method, path, op }) => operation(method, path, op)).join('')}`;
    })
    .join('');
  const schemas = Object.entries((doc.components?.schemas ?? {}) as Record<string, Json>)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escape(name)}" aria-labelledby="hs-${escape(name)}"><h3 id="hs-${escape(name)}">${escape(name)}</h3>${schema.description ? `<p>${escape(schema.description)}</p>` : ''}${fields(schema)}</section>`,
    )
    .join('');
  const bearer = (doc.components?.securitySchemes as Json | undefined)?.bearerAuth;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)}: API</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escape(doc.info.title)}</h1>
<p>${escape(doc.info.description ?? '')}</p>
<p>OpenAPI ${escape(doc.openapi)}, version ${escape(doc.info.version)}. Machine-readable: <a href="/openapi.json">/openapi.json</a>. Reviewers' web page: <a href="/console">/console</a>.</p>
</header>
<main>
<h2 id="auth">Authentication</h2>
<p>Send <code>Authorization: Bearer &lt;token&gt;</code> (scheme <code>${escape(bearer?.scheme ?? 'bearer')}</code>, format ${escape(bearer?.bearerFormat ?? 'JWT')}). ${escape(bearer?.description ?? '')}</p>
<p>Every refusal answers with <a href="#schema-ErrorBody">ErrorBody</a>: <code>{"error":{"code","message","details"}}</code>.</p>
<h2 id="operations">Operations</h2>
<ul>${toc}</ul>
${sections}
<h2 id="schemas">Schemas</h2>
${schemas}
</main>
</body>
</html>
`;
}
