import { Supergraph } from '@apollo/federation-internals';
import { parse, print, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildAuthorizationIndex, type AuthorizationIndex } from '../governance/authorization-index.js';
import { readSecurityLinks, type SecurityLinks } from './security-links.js';
import { SupergraphError } from './source.js';

/** A supergraph made ready for Meshgate: its authorization rules, and what the planner may see. */
export interface PreparedSupergraph {
  readonly index: AuthorizationIndex;
  /**
   * The supergraph without the SECURITY features Meshgate enforces itself, which stock
   * `@apollo/gateway` refuses to load; those stock supports (`@inaccessible`) stay, unchanged.
   */
  readonly plannerSdl: string;
  /** Every policy name the supergraph uses (same set as `index.policyNames`). */
  readonly policyNames: ReadonlySet<string>;
  /** The API schema clients validate against: the planner's, so `@inaccessible` elements are not in it. */
  readonly apiSchema: GraphQLSchema;
}

/** A supergraph parsed, its SECURITY links read, and those features stripped for the planner. */
export interface StrippedSupergraph {
  readonly document: DocumentNode;
  readonly links: SecurityLinks;
  /** What stock `@apollo/gateway` accepts. */
  readonly plannerSdl: string;
}

/**
 * Loads a supergraph that uses the SECURITY directives: builds the authorization index from it and
 * strips the features Meshgate enforces for the query planner; every other feature stock
 * `@apollo/gateway` supports stays for it to apply as stock does (the API schema it builds hides
 * `@inaccessible` elements, and the index is built on that API schema), and any feature stock does
 * not support is refused (see security-links.ts). Removing them changes nothing the planner relies on:
 * `@key`, `@requires` and `@provides` live in `join__*` directives, which stay, so the planner still
 * adds key fields for joins even when the caller may not read them.
 */
export function prepareSupergraph(supergraphSdl: string): PreparedSupergraph {
  const stripped = stripSupergraph(supergraphSdl);
  let apiSchema: GraphQLSchema;
  try {
    apiSchema = Supergraph.build(stripped.plannerSdl).apiSchema().toGraphQLJSSchema();
  } catch (error) {
    throw supergraphLoadError(error);
  }
  return indexSupergraph(stripped, apiSchema);
}

/** The first half of `prepareSupergraph`: parse, read the links, strip. */
export function stripSupergraph(supergraphSdl: string): StrippedSupergraph {
  let document: DocumentNode;
  try {
    document = parse(supergraphSdl);
  } catch (error) {
    throw new SupergraphError(`The supergraph is not valid GraphQL: ${(error as Error).message}`);
  }
  const links = readSecurityLinks(document);
  return { document, links, plannerSdl: print(stripSecurityFeatures(document, links)) };
}

/**
 * The second half: the authorization index over an API schema built from `stripped.plannerSdl`.
 * The gateway passes the planner's own API schema here, so a large supergraph is built once.
 */
export function indexSupergraph(stripped: StrippedSupergraph, apiSchema: GraphQLSchema): PreparedSupergraph {
  const index = buildAuthorizationIndex(stripped.document, stripped.links, apiSchema);
  return { index, plannerSdl: stripped.plannerSdl, policyNames: index.policyNames, apiSchema };
}

export function supergraphLoadError(error: unknown): SupergraphError {
  return new SupergraphError(`The supergraph cannot be loaded: ${(error as Error).message}`);
}

function stripSecurityFeatures(document: DocumentNode, links: SecurityLinks): DocumentNode {
  const directiveNames = new Set(Object.values(links.directives));
  if (!directiveNames.size && !links.linkNodes.size) return document;
  return visit(document, {
    Directive(node) {
      if (links.linkNodes.has(node) || directiveNames.has(node.name.value)) return null;
      return undefined;
    },
    DirectiveDefinition(node) {
      return directiveNames.has(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition(node) {
      return links.typeNames.has(node.name.value) ? null : undefined;
    },
    EnumTypeDefinition(node) {
      return links.typeNames.has(node.name.value) ? null : undefined;
    },
  });
}
