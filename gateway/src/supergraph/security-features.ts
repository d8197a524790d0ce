import { Supergraph } from '@apollo/federation-internals';
import { parse, print, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { buildAuthorizationIndex, type AuthorizationIndex } from '../governance/authorization-index.js';
import { readSecurityLinks, type SecurityLinks } from './security-links.js';
import { SupergraphError } from './source.js';

/** A supergraph made ready for Meshgate: its authorization rules, and what the planner may see. */
export interface PreparedSupergraph {
  readonly index: AuthorizationIndex;
  /** The supergraph without its SECURITY features, which stock `@apollo/gateway` refuses to load. */
  readonly plannerSdl: string;
  /** Every policy name the supergraph uses (same set as `index.policyNames`). */
  readonly policyNames: ReadonlySet<string>;
  /** The API schema clients validate against. */
  readonly apiSchema: GraphQLSchema;
}

/**
 * Loads a supergraph that uses the SECURITY directives: builds the authorization index from it and
 * strips the features for the query planner. Removing them changes nothing the planner relies on:
 * `@key`, `@requires` and `@provides` live in `join__*` directives, which stay, so the planner still
 * adds key fields for joins even when the caller may not read them.
 */
export function prepareSupergraph(supergraphSdl: string): PreparedSupergraph {
  let document: DocumentNode;
  try {
    document = parse(supergraphSdl);
  } catch (error) {
    throw new SupergraphError(`The supergraph is not valid GraphQL: ${(error as Error).message}`);
  }
  const links = readSecurityLinks(document);
  const plannerDocument = stripSecurityFeatures(document, links);
  const plannerSdl = print(plannerDocument);

  let apiSchema: GraphQLSchema;
  try {
    apiSchema = Supergraph.build(plannerSdl).apiSchema().toGraphQLJSSchema();
  } catch (error) {
    throw new SupergraphError(`The supergraph cannot be loaded: ${(error as Error).message}`);
  }
  const index = buildAuthorizationIndex(document, links, apiSchema);
  return { index, plannerSdl, policyNames: index.policyNames, apiSchema };
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
