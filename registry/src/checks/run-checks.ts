import { Kind, Source, parse, type DocumentNode } from 'graphql';
import { prepareSupergraph, type PreparedSupergraph } from '../../../gateway/src/supergraph/security-features.js';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import { authorizationChanges } from './authorization.js';
import { breakingChanges } from './breaking.js';
import { compose, type ComposableSubgraph } from './compose.js';
import { checkDescriptor } from './descriptor.js';
import { applyForce } from './force.js';
import { checkGovernance, type DescribedSubgraph } from './governance.js';
import { lintSchema } from './lint-rules.js';
import { parseSdl } from './parse.js';
import { comparePromises } from './promises.js';
import { result, type CheckInput, type CheckReport, type CheckResult, type SubgraphInput } from './types.js';
import { applyUsage, daysBefore, utcToday } from './usage.js';

export type * from './types.js';

/**
 * Every check of a change to the mesh, in one code path for check, publish, rollback (a publish
 * of the old version) and remove:
 *
 * 1. publish only: the SDL parses; the descriptor is valid and consistent with it;
 * 2. the resulting set of subgraphs composes;
 * 3. the gateway would load the supergraph (SECURITY features) and every classified field is restricted;
 * 4. publish only: the lint rules on the candidate's SDL;
 * 5. against the served supergraph: breaking changes and tighter authorization, usage-aware;
 * 6. publish only, when it replaces a version: no promise of the descriptor weakened;
 * 7. an admin's `force` turns errors of 5 and 6 into warnings.
 */
export async function runChecks(input: CheckInput): Promise<CheckReport> {
  const { change, options } = input;
  const changedName = change.kind === 'publish' ? change.candidate.name : change.name;
  const others = input.current.filter((s) => s.name !== changedName);
  const previous = input.current.find((s) => s.name === changedName);
  const results: CheckResult[] = [];

  let candidateDocument: DocumentNode | undefined;
  let descriptor: DataProductDescriptor | undefined;
  const members: ComposableSubgraph[] = [];
  const products: DescribedSubgraph[] = [];

  if (change.kind === 'publish') {
    const { candidate } = change;
    const parsed = parseSdl(candidate.sdl);
    const described = checkDescriptor(candidate.name, candidate.descriptorText, parsed.ok ? candidate.sdl : undefined);
    descriptor = described.descriptor;
    if (!parsed.ok) return finish([...parsed.results, ...described.results], { descriptor });
    results.push(...described.results);
    candidateDocument = parsed.document;
    members.push({ name: candidate.name, url: candidate.url, document: parse(new Source(candidate.sdl, candidate.name)) });
    if (descriptor) products.push({ name: candidate.name, descriptor });
  } else if (!previous) {
    return finish([result('error', 'composition', `there is no current subgraph "${change.name}" to remove`)], {});
  }

  const otherDocuments: DocumentNode[] = [];
  for (const other of others) {
    const document = parseStored(other, results);
    if (!document) continue;
    otherDocuments.push(document);
    members.push({ name: other.name, url: other.url, document });
    products.push({ name: other.name, descriptor: other.descriptor });
  }

  const composition = compose(members);
  results.push(...composition.results);
  const composed = { supergraphSdl: composition.supergraphSdl, compositionId: composition.compositionId, descriptor };

  let candidateSupergraph: PreparedSupergraph | undefined;
  if (composition.supergraphSdl) {
    const governance = checkGovernance(composition.supergraphSdl, products);
    results.push(...governance.results);
    candidateSupergraph = governance.prepared;
  }

  if (candidateDocument) {
    results.push(...lintSchema({ candidate: candidateDocument, lifecycle: descriptor?.lifecycle, others: otherDocuments, ownedEntities: descriptor?.entities.map((e) => e.type), config: options.lint }));
  }

  if (candidateSupergraph && input.servedSupergraphSdl) {
    results.push(...(await againstServed(input.servedSupergraphSdl, candidateSupergraph, input)));
  }

  if (change.kind === 'publish' && previous && descriptor && candidateDocument) {
    results.push(...comparePromises(previous.descriptor, descriptor, fieldCoordinates(candidateDocument)));
  }

  return finish(options.force ? applyForce(results) : results, composed);
}

/** Breaking changes and tighter authorization against what clients are served today, weighed by their usage. */
async function againstServed(servedSdl: string, candidate: PreparedSupergraph, input: CheckInput): Promise<CheckResult[]> {
  let served: PreparedSupergraph;
  try {
    served = preparedServed(servedSdl);
  } catch (error) {
    return [result('error', 'breaking', `the served supergraph cannot be read, so breaking changes cannot be told: ${(error as Error).message}`)];
  }
  const changes = [...(await breakingChanges(served.apiSchema, candidate.apiSchema)), ...authorizationChanges(served, candidate)];
  const today = input.options.today ?? utcToday();
  return applyUsage(changes, served.apiSchema, { usage: input.usage, sinceDay: daysBefore(today, input.options.usageWindowDays), today });
}

/**
 * The served supergraph changes only when a publish is accepted, while every check compares
 * against it: the last one prepared is kept (an immutable value, keyed by its whole SDL).
 */
let lastServed: { sdl: string; prepared: PreparedSupergraph } | undefined;
function preparedServed(sdl: string): PreparedSupergraph {
  if (lastServed?.sdl !== sdl) lastServed = { sdl, prepared: prepareSupergraph(sdl) };
  return lastServed.prepared;
}

/** A stored version that no longer parses cannot be composed: say so instead of composing without it. */
function parseStored(subgraph: SubgraphInput, results: CheckResult[]): DocumentNode | undefined {
  try {
    return parse(new Source(subgraph.sdl, subgraph.name));
  } catch (error) {
    results.push(result('error', 'composition', `the current version of subgraph "${subgraph.name}" does not parse: ${(error as Error).message}`));
    return undefined;
  }
}

function fieldCoordinates(document: DocumentNode): Set<string> {
  const coordinates = new Set<string>();
  for (const definition of document.definitions) {
    if (!('fields' in definition) || !definition.fields || !('name' in definition) || !definition.name) continue;
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields) coordinates.add(`${definition.name.value}.${field.name.value}`);
  }
  return coordinates;
}

function finish(results: CheckResult[], extra: Omit<CheckReport, 'ok' | 'results'>): CheckReport {
  const report: CheckReport = { ok: !results.some((r) => r.severity === 'error'), results };
  if (extra.supergraphSdl !== undefined) report.supergraphSdl = extra.supergraphSdl;
  if (extra.compositionId !== undefined) report.compositionId = extra.compositionId;
  if (extra.descriptor !== undefined) report.descriptor = extra.descriptor;
  return report;
}
