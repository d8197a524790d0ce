import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { readToken } from '../token-store';
import { fetcher } from './fetcher';
import { ideParams } from './ide-params';
import './graphiql.css';

const DEFAULT_QUERY = `# Meshgate: one GraphQL endpoint over every data product.
# The catalog (/catalog/) lists them, with examples that open here.
# Your token goes in the Headers tab: { "Authorization": "Bearer ..." }

query LowStock {
  products(lowStock: true, limit: 5) {
    sku
    name
    totalStock
  }
}
`;

const root = document.getElementById('graphiql');
if (!root) throw new Error('catalog/graphiql.html has no #graphiql element');
const params = ideParams(location.search, readToken());

createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      query={params.query}
      variables={params.variables}
      headers={params.headers}
      isHeadersEditorEnabled
      // Tokens stay out of localStorage: the catalog keeps one in sessionStorage for the tab.
      shouldPersistHeaders={false}
      defaultEditorToolsVisibility={params.variables ? 'variables' : params.headers ? 'headers' : false}
    >
      <GraphiQL.Logo>
        <a className="meshgate-logo" href="/catalog/">
          Meshgate
        </a>
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
