/**
 * One version of a data product in words: what changed in its schema since the version before
 * (@graphql-inspector/core's `diff`, as the registry's breaking-change check uses it, each change
 * marked breaking or dangerous where it is) and in its descriptor (lifecycle, owner, promises,
 * classification, entities). Pure: the same two versions always read the same, so a summary can be
 * cached for good once computed (history.ts).
 */
import { buildSubgraph, FEDERATION_UNNAMED_SUBGRAPH_NAME } from '@apollo/federation-internals';
import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType, parse, type GraphQLSchema } from 'graphql';
import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';

/** A summary lists this many lines at most, then says how many more there were. */
export const MAX_SUMMARY_LINES = 25;

/** What a summary needs of a stored version (the registry's SubgraphVersion). */
export interface VersionRecord {
  readonly version: number;
  /** publish, rollback or remove. */
  readonly action: string;
  readonly sdl: string;
  /** The parsed dataproduct.yaml, as the registry stores it. */
  readonly descriptor: unknown;
}

// The argument of a directive is reported with the directive itself, and a deprecation as a deprecation.
const NOISE = new Set<string>([
  ChangeType.DirectiveUsageArgumentAdded,
  ChangeType.DirectiveUsageArgumentRemoved,
  ChangeType.DirectiveUsageArgumentDefinitionAdded,
  ChangeType.DirectiveUsageArgumentDefinitionRemoved,
]);

export async function summarizeVersion(current: VersionRecord, previous: VersionRecord | undefined): Promise<string[]> {
  if (current.action === 'remove') return ['Removed from the supergraph: clients can no longer query it (its last contract stays in the history)'];
  const lines: string[] = [];
  if (current.action === 'rollback') lines.push('Rolled back to an earlier contract');
  if (previous?.action === 'remove') lines.push('Published again after its removal');
  let schema: GraphQLSchema;
  try {
    schema = schemaOf(current.sdl);
  } catch (error) {
    return [...lines, `The schema of version ${current.version} cannot be read: ${firstLine(error)}`];
  }
  if (!previous) return [...lines, `First version: ${describeSize(schema)}`];
  let changes: Change[];
  try {
    changes = await diff(schemaOf(previous.sdl), schema);
  } catch (error) {
    return [...lines, `Version ${previous.version}'s schema cannot be compared with this one: ${firstLine(error)}`];
  }
  const schemaLines = changes.filter((c) => !NOISE.has(c.type) && !(c.type.startsWith('DIRECTIVE_USAGE') && (c.path ?? '').includes('.@deprecated'))).map(inWords);
  const descriptorLines = descriptorChanges(asDescriptor(previous.descriptor), asDescriptor(current.descriptor));
  const all = [...lines, ...schemaLines, ...descriptorLines];
  if (schemaLines.length === 0 && descriptorLines.length === 0) all.push('No change to the schema or the descriptor');
  return all.length > MAX_SUMMARY_LINES ? [...all.slice(0, MAX_SUMMARY_LINES - 1), `…and ${all.length - MAX_SUMMARY_LINES + 1} more changes`] : all;
}

function inWords(change: Change): string {
  switch (change.criticality.level) {
    case CriticalityLevel.Breaking:
      return `Breaking: ${change.message}`;
    case CriticalityLevel.Dangerous:
      return `Dangerous: ${change.message}`;
    case CriticalityLevel.NonBreaking:
      return change.message;
    default: {
      const unexpected: never = change.criticality.level;
      throw new Error(`unreachable: unknown criticality ${String(unexpected)}`);
    }
  }
}

/** A subgraph SDL as a schema, with the federation definitions it links to (as the registry builds it). */
function schemaOf(sdl: string): GraphQLSchema {
  return buildSubgraph(FEDERATION_UNNAMED_SUBGRAPH_NAME, '', parse(sdl), false).schema.toGraphQLJSSchema();
}

function describeSize(schema: GraphQLSchema): string {
  const types = Object.values(schema.getTypeMap()).filter((t) => !isIntrospectionType(t) && !isSpecifiedScalarType(t) && !t.name.startsWith('_') && !t.name.includes('__'));
  const withFields = types.filter((t) => isObjectType(t) || isInterfaceType(t) || isInputObjectType(t));
  const fields = withFields.reduce((n, t) => n + Object.keys((t as { getFields(): object }).getFields()).filter((f) => !f.startsWith('_')).length, 0);
  return `${types.length} type${types.length === 1 ? '' : 's'} and ${fields} field${fields === 1 ? '' : 's'}`;
}

type Descriptor = Partial<DataProductDescriptor>;

/** The stored descriptor, or an empty one when it is not an object (then nothing is compared). */
function asDescriptor(value: unknown): Descriptor {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Descriptor) : {};
}

/** The descriptor's changes a consumer cares about, one line each. */
export function descriptorChanges(before: Descriptor, after: Descriptor): string[] {
  const lines: string[] = [];
  const changed = (label: string, a: unknown, b: unknown) => {
    if (a !== undefined && b !== undefined && a !== b) lines.push(`${label}: ${String(a)} → ${String(b)}`);
  };
  changed('Lifecycle', before.lifecycle ?? 'experimental', after.lifecycle ?? 'experimental');
  changed('Domain', before.domain, after.domain);
  changed('Owner team', before.owner?.team, after.owner?.team);
  changed('Owner contact', before.owner?.contact, after.owner?.contact);
  changed('Owner channel', before.owner?.channel, after.owner?.channel);
  changed('Promised availability (%)', before.slo?.availability, after.slo?.availability);
  changed('Promised p99 latency (ms)', before.slo?.latencyP99Ms, after.slo?.latencyP99Ms);
  changed('Promised freshness (s)', before.slo?.freshnessSeconds, after.slo?.freshnessSeconds);
  if (before.description !== undefined && after.description !== undefined && before.description !== after.description) lines.push('Description rewritten');
  if (before.purpose !== undefined && after.purpose !== undefined && before.purpose !== after.purpose) lines.push('Purpose rewritten');

  const consumersBefore = new Set(before.consumers ?? []);
  const consumersAfter = new Set(after.consumers ?? []);
  for (const c of consumersAfter) if (!consumersBefore.has(c)) lines.push(`New consumer: ${c}`);
  for (const c of consumersBefore) if (!consumersAfter.has(c)) lines.push(`No longer a consumer: ${c}`);

  const entitiesBefore = new Set((before.entities ?? []).map((e) => e.type));
  const entitiesAfter = new Set((after.entities ?? []).map((e) => e.type));
  for (const e of entitiesAfter) if (!entitiesBefore.has(e)) lines.push(`New entity: ${e}`);
  for (const e of entitiesBefore) if (!entitiesAfter.has(e)) lines.push(`No longer an entity: ${e}`);

  const classifiedBefore = new Map((before.classification ?? []).map((c) => [c.field, c]));
  const classifiedAfter = new Map((after.classification ?? []).map((c) => [c.field, c]));
  for (const [field, c] of classifiedAfter) {
    const was = classifiedBefore.get(field);
    if (!was) lines.push(`Classified ${field} as ${c.level}${c.categories.length ? ` (${c.categories.join(', ')})` : ''}`);
    else if (was.level !== c.level) lines.push(`Classification of ${field}: ${was.level} → ${c.level}`);
  }
  for (const field of classifiedBefore.keys()) if (!classifiedAfter.has(field)) lines.push(`No longer classified: ${field}`);
  return lines;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0].slice(0, 200);
}
