import { DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES, FeatureUrl } from '@apollo/federation-internals';
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

/**
 * What stock `@apollo/gateway` accepts `for: SECURITY` or `for: EXECUTION`: the very set its
 * `Supergraph.build` checks (`@apollo/federation-internals`), not a copy, so Meshgate accepts
 * exactly what stock accepts (`@inaccessible`, `@tag`, the join spec...) and no more.
 */
const PLANNER_SUPPORTED: ReadonlySet<string> = DEFAULT_SUPPORTED_SUPERGRAPH_FEATURES;

const ENFORCED_SUMMARY = `Meshgate enforces ${Object.values(ENFORCED)
  .map(({ identity, version }) => `${identity.slice(identity.lastIndexOf('/') + 1)}/${version}`)
  .join(', ')} and passes on to the query planner what stock @apollo/gateway supports: ${summarizeFeatures(PLANNER_SUPPORTED)}`;

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
    const purposeValue = argument(application, 'for');
    const purpose = purposeValue?.kind === Kind.ENUM ? purposeValue.value : undefined;
    const feature = (Object.keys(ENFORCED) as SecurityFeatureName[]).find((key) => ENFORCED[key].identity === identity);
    if (!feature) {
      // Left in the planner's supergraph unchanged, where stock's own check runs again; checked here
      // first so that nothing slips through a laxer planner, and the refusal says what is accepted.
      if (purpose !== undefined && !plannerSupports(url)) {
        throw new SupergraphError(`unsupported ${purpose} feature ${url} (stock @apollo/gateway refuses it too); ${ENFORCED_SUMMARY}`);
      }
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

/** The same test stock applies: the feature's URL without any element, in the supported set. */
function plannerSupports(url: string): boolean {
  const parsed = FeatureUrl.maybeParse(url);
  return parsed !== undefined && PLANNER_SUPPORTED.has(parsed.base.toString());
}

/** `core (v0.1, v0.2), join (v0.1, ...)`: the spec's name when it is one of Apollo's, its identity otherwise. */
function summarizeFeatures(urls: ReadonlySet<string>): string {
  const versions = new Map<string, string[]>();
  for (const url of urls) {
    const { identity, version } = parseFeatureUrl(url);
    const shown = identity.startsWith('https://specs.apollo.dev/') ? identity.slice('https://specs.apollo.dev/'.length) : identity;
    versions.set(shown, [...(versions.get(shown) ?? []), version]);
  }
  return [...versions].map(([name, list]) => `${name} (${list.join(', ')})`).join(', ');
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
