import { Kind, type ConstDirectiveNode, type ConstValueNode, type DirectiveNode, type DocumentNode } from 'graphql';
import { SupergraphError } from './source.js';

/** The SECURITY features Meshgate enforces, by spec identity, with the one version each it knows. */
const ENFORCED = {
  authenticated: { identity: 'https://specs.apollo.dev/authenticated', version: 'v0.1', types: [] as string[] },
  requiresScopes: { identity: 'https://specs.apollo.dev/requiresScopes', version: 'v0.1', types: ['Scope'] },
  policy: { identity: 'https://specs.apollo.dev/policy', version: 'v0.1', types: ['Policy'] },
} as const;

export type SecurityFeatureName = keyof typeof ENFORCED;

const LINK_IDENTITY = 'https://specs.apollo.dev/link';
const ENFORCED_SUMMARY = 'Meshgate enforces authenticated/v0.1, requiresScopes/v0.1, policy/v0.1';

/** How the supergraph names the SECURITY features it links. */
export interface SecurityLinks {
  /** The local name (without "@") of each linked feature's directive; absent when not linked. */
  readonly directives: Partial<Record<SecurityFeatureName, string>>;
  /** The `@link` applications of those features, to strip for the planner. */
  readonly linkNodes: ReadonlySet<DirectiveNode>;
  /** Local names of the features' own types (`requiresScopes__Scope`, `policy__Policy`, ...). */
  readonly typeNames: ReadonlySet<string>;
}

interface LinkImport {
  readonly name: string;
  readonly as?: string;
}

/**
 * Reads the `@link`s on `schema` and resolves each SECURITY feature's local directive name the way
 * the link spec does (and `@apollo/federation-internals`' CoreFeature): an import (possibly renamed)
 * wins; otherwise a directive named like its feature is `@<namespace>`, any other `@<namespace>__<name>`,
 * where the namespace is the link's `as` or the feature's name. Names are never guessed from text.
 */
export function readSecurityLinks(document: DocumentNode): SecurityLinks {
  const schemaDirectives = document.definitions.flatMap((definition) =>
    definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION ? (definition.directives ?? []) : [],
  );
  const linkName = linkDirectiveName(schemaDirectives);
  const directives: Partial<Record<SecurityFeatureName, string>> = {};
  const linkNodes = new Set<DirectiveNode>();
  const typeNames = new Set<string>();

  for (const application of schemaDirectives) {
    if (application.name.value !== linkName) continue;
    const url = stringArgument(application, 'url');
    if (url === undefined) continue;
    const { identity, name, version } = parseFeatureUrl(url);
    const purpose = argument(application, 'for');
    const forSecurity = purpose?.kind === Kind.ENUM && purpose.value === 'SECURITY';
    const feature = (Object.keys(ENFORCED) as SecurityFeatureName[]).find((key) => ENFORCED[key].identity === identity);
    if (!feature) {
      if (forSecurity) throw new SupergraphError(`unsupported SECURITY feature ${url}; ${ENFORCED_SUMMARY}`);
      continue;
    }
    if (version !== ENFORCED[feature].version) {
      throw new SupergraphError(`unsupported SECURITY feature ${url} (version ${version}); ${ENFORCED_SUMMARY}`);
    }
    const namespace = stringArgument(application, 'as') ?? name;
    const imports = readImports(application, url);
    directives[feature] = directiveNameInSchema(name, namespace, imports, feature);
    for (const type of ENFORCED[feature].types) {
      const imported = imports.find((entry) => entry.name === type);
      typeNames.add(imported ? (imported.as ?? imported.name) : `${namespace}__${type}`);
    }
    linkNodes.add(application);
  }
  return { directives, linkNodes, typeNames };
}

function directiveNameInSchema(featureName: string, namespace: string, imports: readonly LinkImport[], directive: string): string {
  const imported = imports.find((entry) => entry.name === `@${directive}`);
  if (imported) return (imported.as ?? imported.name).slice(1);
  return directive === featureName ? namespace : `${namespace}__${directive}`;
}

/** The link spec bootstraps itself: the `@link` naming the link spec's URL tells its own local name. */
function linkDirectiveName(schemaDirectives: readonly ConstDirectiveNode[]): string {
  for (const application of schemaDirectives) {
    const url = stringArgument(application, 'url');
    if (url !== undefined && parseFeatureUrl(url).identity === LINK_IDENTITY) {
      return stringArgument(application, 'as') ?? application.name.value;
    }
  }
  return 'link';
}

function parseFeatureUrl(url: string): { identity: string; name: string; version: string } {
  const trimmed = url.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const identity = trimmed.slice(0, slash);
  return { identity, name: identity.slice(identity.lastIndexOf('/') + 1), version: trimmed.slice(slash + 1) };
}

function readImports(application: ConstDirectiveNode, url: string): LinkImport[] {
  const value = argument(application, 'import');
  if (!value) return [];
  const entries = value.kind === Kind.LIST ? value.values : [value];
  return entries.map((entry) => {
    if (entry.kind === Kind.STRING) return { name: entry.value };
    if (entry.kind === Kind.OBJECT) {
      const field = (key: string) => {
        const found = entry.fields.find((f) => f.name.value === key)?.value;
        return found?.kind === Kind.STRING ? found.value : undefined;
      };
      const name = field('name');
      if (name !== undefined) return { name, as: field('as') };
    }
    throw new SupergraphError(
      `@link(url: "${url}"): expected each import to be a string or {name, as}, but got ${entry.kind}`,
    );
  });
}

function argument(application: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return application.arguments?.find((arg) => arg.name.value === name)?.value;
}

function stringArgument(application: ConstDirectiveNode, name: string): string | undefined {
  const value = argument(application, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
}
