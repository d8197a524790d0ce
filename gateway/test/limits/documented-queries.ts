import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { buildWorkloads } from '../../../bench/lib/workloads.js';
import { SUBGRAPHS_ROOT } from '../../../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../../../shared/paths.js';

/** A query a client is documented to send, and where it is written. */
export interface DocumentedQuery {
  readonly source: string;
  readonly query: string;
}

/** What GraphiQL and Apollo Sandbox send: graphql's introspection query with and without its options. */
export const INTROSPECTION_QUERIES: readonly DocumentedQuery[] = [
  { source: 'getIntrospectionQuery()', query: getIntrospectionQuery() },
  {
    source: 'getIntrospectionQuery(every option)',
    query: getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true }),
  },
  { source: 'getIntrospectionQuery({ descriptions: false })', query: getIntrospectionQuery({ descriptions: false }) },
];

/**
 * Every example query of README.md and the data products' pages: ```graphql blocks that hold
 * operations (not schema excerpts), and the `"query":"…"` bodies of their curl lines.
 */
export function readmeQueries(): DocumentedQuery[] {
  // Every data product's page (the folders listDataProductFolders finds, read synchronously: test tables are built at load time).
  const productPages = readdirSync(SUBGRAPHS_ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(SUBGRAPHS_ROOT, e.name, 'dataproduct.yaml')) && existsSync(join(SUBGRAPHS_ROOT, e.name, 'README.md')))
    .map((e) => join(SUBGRAPHS_ROOT, e.name, 'README.md'))
    .sort();
  const pages = ['README.md', ...productPages];
  const found: DocumentedQuery[] = [];
  for (const page of pages) {
    const text = readFileSync(page.startsWith('/') ? page : join(REPO_ROOT, page), 'utf8');
    for (const block of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
      if (/^\s*(extend\s+)?(schema|type|interface|enum|input|union|scalar|directive)\b/m.test(block[1])) continue;
      found.push({ source: `${page} (graphql block)`, query: block[1] });
    }
    for (const body of text.matchAll(/"query":("(?:[^"\\]|\\.)*")/g)) found.push({ source: `${page} (curl)`, query: JSON.parse(body[1]) as string });
  }
  return found;
}

/** The distinct queries of the benchmark's four workloads (bench/lib/workloads.ts). */
export function workloadQueries(): DocumentedQuery[] {
  const workloads = buildWorkloads({ variants: 40, tokens: [{}], stockPairs: [{ productId: '901', warehouseId: '1' }] });
  const queries = new Set(workloads.flatMap((w) => w.variants.map((v) => v.query)));
  return [...queries].map((query) => ({ source: 'bench/lib/workloads.ts', query }));
}
