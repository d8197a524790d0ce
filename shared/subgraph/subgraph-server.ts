import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse } from 'graphql';
import type { Database } from '../db/database.js';
import { createGraphQLHttpHandler, listen, sendJson } from '../http/graphql-http.js';
import type { Logger } from '../logging.js';
import { once } from '../once.js';
import { maskUnexpectedErrors } from './format-error.js';

export interface SubgraphOptions<Ctx extends object> {
  /** The data product's name, as in the supergraph. */
  name: string;
  /** Path of the data product's contract, `schema.graphql`. */
  schemaPath: string;
  resolvers: GraphQLResolverMap<Ctx>;
  db: Database;
  /** Builds the per-request context (fresh loaders every time). */
  context: (req: IncomingMessage, rawBody: Buffer) => Promise<Ctx> | Ctx;
  logger: Logger;
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
}

export interface RunningSubgraph {
  name: string;
  /** URL of the GraphQL endpoint, e.g. http://127.0.0.1:4001/graphql */
  url: string;
  port: number;
  /** Stops the HTTP server, then Apollo Server (once; later calls wait for the first). The database belongs to the caller. */
  stop(): Promise<void>;
}

/**
 * Builds and starts one domain's subgraph: its contract and resolvers on Apollo Server, served
 * by the shared HTTP front with `/health` (the process is up) and `/ready` (its database answers).
 */
export async function startSubgraph<Ctx extends object>(options: SubgraphOptions<Ctx>): Promise<RunningSubgraph> {
  const typeDefs = parse(readFileSync(options.schemaPath, 'utf8'));
  const apollo = new ApolloServer<Ctx>({
    schema: buildSubgraphSchema([{ typeDefs, resolvers: options.resolvers }]),
    // Inline tracing only serves Apollo's hosted usage reporting, which Meshgate does not use.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    formatError: maskUnexpectedErrors(options.logger),
    includeStacktraceInErrorResponses: false,
    logger: options.logger,
  });
  await apollo.start();
  const handler = createGraphQLHttpHandler({
    apollo,
    context: options.context,
    logger: options.logger,
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: options.name }),
      '/ready': async (_req, res) => {
        try {
          await options.db.query('SELECT 1');
          sendJson(res, 200, { status: 'ready', service: options.name, database: options.db.backend });
        } catch (error) {
          sendJson(res, 503, { status: 'unavailable', service: options.name, reason: (error as Error).message });
        }
      },
    },
  });
  const listening = await listen(handler, options.port, options.host);
  options.logger.debug({ url: listening.url }, 'subgraph listening');
  return {
    name: options.name,
    url: listening.url,
    port: listening.port,
    stop: once(async () => {
      await listening.close();
      await apollo.stop();
    }),
  };
}
