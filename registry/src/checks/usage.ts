import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { CheckInput, CheckResult, ClientUsage } from './types.js';

/** The rules whose errors a client's usage decides: a change nobody used in the window passes. */
const USAGE_AWARE = new Set(['breaking', 'authorization-tightened']);

export interface UsageWindow {
  usage: CheckInput['usage'];
  /** YYYY-MM-DD, inclusive. */
  sinceDay: string;
  today: string;
}

/**
 * Makes breaking errors usage-aware. The gateway records field coordinates (`Type.field`) per
 * client and day, so each result's coordinates are first mapped onto the served schema's fields:
 * an argument or a field's type change to its field, a type to each of its fields, an enum,
 * scalar, union or input type (or one of its values or input fields) to every field that returns
 * it or takes it in an argument. Used in the window: the error stays, with the clients. Unused:
 * info, with that evidence. When usage cannot be told (no coordinate, or the lookup fails), the error stays.
 */
export async function applyUsage(results: readonly CheckResult[], served: GraphQLSchema, window: UsageWindow): Promise<CheckResult[]> {
  const expanded = new Map<CheckResult, string[] | undefined>();
  for (const r of results) {
    if (r.severity === 'error' && USAGE_AWARE.has(r.rule)) expanded.set(r, expand(served, r.coordinates));
  }
  if (expanded.size === 0) return [...results];
  const wanted = [...new Set([...expanded.values()].flatMap((coordinates) => coordinates ?? []))];

  let usage: Map<string, ClientUsage[]>;
  try {
    usage = wanted.length ? await window.usage(wanted, window.sinceDay) : new Map();
  } catch (error) {
    return results.map((r) =>
      expanded.has(r) ? appendEvidence(r, `usage could not be read (${(error as Error).message}), so the change counts as used`) : r,
    );
  }
  const between = `between ${window.sinceDay} and ${window.today}`;
  return results.map((r) => {
    if (!expanded.has(r)) return r;
    const coordinates = expanded.get(r);
    if (coordinates === undefined) return appendEvidence(r, 'usage cannot be told for it (no field coordinate), so it counts as used');
    const used = coordinates.filter((c) => (usage.get(c) ?? []).length > 0);
    const shown = r.coordinates.join(', ') || coordinates.join(', ');
    if (used.length === 0) {
      const through = coordinates.length && coordinates.join(',') !== r.coordinates.join(',') ? ` (checked ${coordinates.join(', ')})` : '';
      const evidence = coordinates.length ? `no client used ${shown} ${between}${through}` : `no field of the served schema reaches ${shown}, so no client can use it`;
      return appendEvidence({ ...r, severity: 'info' }, evidence);
    }
    const clients = merge(used.flatMap((c) => usage.get(c) ?? []));
    const detail = used.map((c) => `${c} by ${(usage.get(c) ?? []).map((u) => `${u.client} ${u.version} (${u.count})`).join(', ')}`).join('; ');
    return appendEvidence({ ...r, clients }, `used ${between}: ${detail}`);
  });
}

/** The field coordinates whose usage decides a result; undefined when one of its coordinates cannot be mapped. */
function expand(schema: GraphQLSchema, coordinates: readonly string[]): string[] | undefined {
  if (coordinates.length === 0) return undefined;
  const fields = new Set<string>();
  for (const coordinate of coordinates) {
    const mapped = fieldsOf(schema, coordinate);
    if (mapped === undefined) return undefined;
    mapped.forEach((c) => fields.add(c));
  }
  return [...fields];
}

function fieldsOf(schema: GraphQLSchema, coordinate: string): string[] | undefined {
  const [typeName, member] = coordinate.split('.');
  const type = schema.getType(typeName);
  if (!type) return member === undefined ? undefined : [`${typeName}.${member}`];
  if (isObjectType(type) || isInterfaceType(type)) {
    return member === undefined ? Object.keys(type.getFields()).map((f) => `${typeName}.${f}`) : [`${typeName}.${member}`];
  }
  return fieldsReaching(schema, type);
}

/** Every output field that returns `target` or takes it in an argument, directly or inside input objects. */
function fieldsReaching(schema: GraphQLSchema, target: GraphQLNamedType): string[] {
  const inputsContaining = new Set<string>([target.name]);
  // Input objects that contain the target at any depth: grow the set until it stops changing.
  let grew = true;
  while (grew) {
    grew = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type) || inputsContaining.has(type.name)) continue;
      if (Object.values(type.getFields()).some((f) => inputsContaining.has(getNamedType(f.type).name))) {
        inputsContaining.add(type.name);
        grew = true;
      }
    }
  }
  const found: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      const reaches =
        getNamedType(field.type).name === target.name || field.args.some((a) => inputsContaining.has(getNamedType(a.type).name));
      if (reaches) found.push(`${type.name}.${field.name}`);
    }
  }
  return found;
}

/** One entry per client and version: counts add up, the latest day wins. Most used first. */
function merge(entries: readonly ClientUsage[]): ClientUsage[] {
  const byClient = new Map<string, ClientUsage>();
  for (const entry of entries) {
    const key = `${entry.client}\u0000${entry.version}`;
    const seen = byClient.get(key);
    if (!seen) byClient.set(key, { ...entry });
    else byClient.set(key, { ...seen, count: seen.count + entry.count, lastSeen: seen.lastSeen > entry.lastSeen ? seen.lastSeen : entry.lastSeen });
  }
  return [...byClient.values()].sort((a, b) => b.count - a.count || a.client.localeCompare(b.client) || a.version.localeCompare(b.version));
}

function appendEvidence(r: CheckResult, evidence: string): CheckResult {
  return { ...r, evidence: r.evidence ? `${r.evidence}; ${evidence}` : evidence };
}

/** `today` minus `days`, both YYYY-MM-DD in UTC. */
export function daysBefore(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new Error(`expected today as YYYY-MM-DD, got "${today}"`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

export function utcToday(): string {
  return new Date().toISOString().slice(0, 10);
}
