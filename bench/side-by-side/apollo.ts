/**
 * Peer: stock @apollo/gateway + @apollo/server, default settings, over the supergraph WITHOUT the
 * SECURITY features (stock @apollo/gateway refuses to load them). Standalone server (Node http).
 * Only change from defaults: APOLLO_TELEMETRY_DISABLED=true (start-up phone-home, not the request path;
 * this machine has no route out anyway).
 *
 *   npx tsx bench/side-by-side/apollo.ts --supergraph /tmp/meshgate-bench/supergraph.stripped.graphql --port 4200
 *
 * Resolves @apollo/gateway and @apollo/server from the product's node_modules (same versions as Meshgate).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string', default: '4200' } } });
if (!values.supergraph) throw new Error('--supergraph <file> is required');
const gateway = new ApolloGateway({ supergraphSdl: await readFile(values.supergraph, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(values.port), host: '127.0.0.1' } });
console.log(`READY ${url}`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
