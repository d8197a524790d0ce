import { createHash } from 'node:crypto';
import { composeServices } from '@apollo/composition';
import { getLocation, type ASTNode, type DocumentNode, type GraphQLError } from 'graphql';
import { result, type CheckResult } from './types.js';

export interface ComposableSubgraph {
  name: string;
  url: string;
  /** Parsed with the subgraph's name as source name, so composition's locations say whose SDL they point into. */
  document: DocumentNode;
}

export interface Composition {
  results: CheckResult[];
  supergraphSdl?: string;
  /** sha256 hex of the supergraph SDL, as the gateway's generation id. */
  compositionId?: string;
}

/**
 * Composes the subgraphs as the gateway's local compose does (Apollo's composition). Each of
 * composition's errors is one `composition` error, its code first, with the coordinates it
 * names and where in which subgraph's SDL; its hints are info.
 */
export function compose(subgraphs: readonly ComposableSubgraph[]): Composition {
  if (subgraphs.length === 0) {
    return { results: [result('error', 'composition', 'nothing to compose: no subgraph would be left')] };
  }
  const outcome = composeServices(subgraphs.map(({ name, url, document }) => ({ name, url, typeDefs: document })));
  if (outcome.errors) {
    return {
      results: outcome.errors.map((error) =>
        result('error', 'composition', withCode(error), coordinatesIn(error.message), locationsOf(error)),
      ),
    };
  }
  const supergraphSdl = outcome.supergraphSdl;
  const hints = outcome.hints.map((hint) =>
    result('info', 'composition', `[${hint.definition.code}] ${hint.message}`, hint.coordinate ? [hint.coordinate] : coordinatesIn(hint.message)),
  );
  return { results: hints, supergraphSdl, compositionId: compositionIdOf(supergraphSdl) };
}

export function compositionIdOf(supergraphSdl: string): string {
  return createHash('sha256').update(supergraphSdl).digest('hex');
}

function withCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? `[${code}] ${error.message}` : error.message;
}

/**
 * Composition names coordinates in quotes (`Type of field "Product.price" is incompatible...`);
 * subgraph names are quoted too but are lower-case, and type references carry `!` or `[`.
 */
function coordinatesIn(message: string): string[] {
  const found = [...message.matchAll(/"([A-Z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*){0,2})(?:\(\))?"/g)].map((m) => m[1]);
  return [...new Set(found)];
}

/** `at inventory:12:5, pricing:3:3`: the source name of each node is the subgraph it came from. */
function locationsOf(error: GraphQLError): string | undefined {
  const places = (error.nodes ?? [])
    .map((node: ASTNode) => {
      if (!node.loc) return undefined;
      const { line, column } = getLocation(node.loc.source, node.loc.start);
      return `${node.loc.source.name}:${line}:${column}`;
    })
    .filter((place): place is string => place !== undefined);
  return places.length ? `at ${[...new Set(places)].join(', ')}` : undefined;
}
