import { REQUEST_ID_HEADER, requestIdOf } from '../../../shared/telemetry/request-id.js';
import type { RequestPlugin } from './plugins.js';

// Shared with the data products, which log the id the gateway forwards (shared/subgraph/).
export { REQUEST_ID_HEADER, requestIdOf };

export const requestIdPlugin: RequestPlugin = {
  name: 'request-id',
  start({ http }) {
    const requestId = requestIdOf(http.headers[REQUEST_ID_HEADER]);
    return {
      responseHeaders: { [REQUEST_ID_HEADER]: requestId },
      subgraphHeaders: { [REQUEST_ID_HEADER]: requestId },
      logBindings: { requestId },
    };
  },
};
