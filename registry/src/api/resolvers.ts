import { readFileSync } from 'node:fs';
import { GraphQLScalarType, parse, type DocumentNode } from 'graphql';
import type { Principal } from '../../../shared/principal.js';
import { daysBefore } from '../checks/usage.js';
import { badInput } from '../errors.js';
import type { Actor, Changes } from '../publish.js';
import type { RegistryStore } from '../store.js';
import { toApiVersion } from '../versions.js';
import { isAdmin, requireAccess } from './access.js';
import { MAX_USAGE_ENTRIES, type ClientUsage, type CoordinateUsage, type PublishInput, type UsageEntryInput } from './types.js';

export const typeDefs: DocumentNode = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Every request's context: the verified caller (the HTTP front refused anyone without a valid token). */
export interface RegistryContext {
  principal: Principal;
}

export interface ResolverOptions {
  registry: RegistryStore;
  changes: Changes;
  /** Milliseconds since the epoch, for the usage window's first day. Default Date.now. */
  clock?: () => number;
}

const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: here, a parsed dataproduct.yaml.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

const MAX_LIMIT = 500;
const MAX_DAYS = 366;
const MAX_COORDINATES = 1000;
const MAX_INT = 2 ** 31 - 1;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
// Type, Type.field or Type.field(arg:), as the gateway records them (gateway/src/usage/coordinates.ts).
const COORDINATE = /^[_A-Za-z][_0-9A-Za-z]*(\.[_A-Za-z][_0-9A-Za-z]*(\([_A-Za-z][_0-9A-Za-z]*:\))?)?$/;
const MAX_CLIENT = 200;

const actorOf = (principal: Principal): Actor => ({ subject: principal.subject ?? 'unknown', admin: isAdmin(principal) });

export function createResolvers(options: ResolverOptions) {
  const { registry, changes } = options;
  const clock = options.clock ?? Date.now;
  return {
    JSON: JSONScalar,
    Query: {
      subgraphs: async (_: unknown, __: unknown, { principal }: RegistryContext) => {
        requireAccess.read(principal);
        return (await registry.currentVersions()).map((v) => toApiVersion(v, true));
      },
      subgraph: async (_: unknown, { name }: { name: string }, { principal }: RegistryContext) => {
        requireAccess.read(principal);
        const latest = await registry.latestVersion(name);
        return latest && latest.action !== 'remove' ? toApiVersion(latest, true) : null;
      },
      history: async (_: unknown, { name, limit }: { name: string; limit: number }, { principal }: RegistryContext) => {
        requireAccess.read(principal);
        const rows = await registry.history(name, bounded('limit', limit, MAX_LIMIT));
        // Newest first: only the newest can be current, and only if it is not a removal.
        return rows.map((v, i) => toApiVersion(v, i === 0));
      },
      supergraph: async (_: unknown, __: unknown, { principal }: RegistryContext) => {
        requireAccess.read(principal);
        const latest = await registry.latestAcceptedSupergraph();
        // Accepted without SDL: the last subgraph was removed, so nothing is served.
        return latest?.sdl ? latest : null;
      },
      supergraphs: async (_: unknown, { limit }: { limit: number }, { principal }: RegistryContext) => {
        requireAccess.read(principal);
        return registry.supergraphs(bounded('limit', limit, MAX_LIMIT));
      },
      usage: async (_: unknown, { coordinates, days }: { coordinates: string[]; days: number }, { principal }: RegistryContext): Promise<CoordinateUsage[]> => {
        requireAccess.read(principal);
        if (coordinates.length > MAX_COORDINATES) throw badInput(`usage: expected at most ${MAX_COORDINATES} coordinates, got ${coordinates.length}`);
        const found = await registry.usage(coordinates, firstDayOf(bounded('days', days, MAX_DAYS), clock()));
        return [...new Set(coordinates)].map((coordinate) => ({ coordinate, clients: found.get(coordinate) ?? [] }));
      },
    },
    Mutation: {
      check: (_: unknown, { input }: { input: PublishInput }, { principal }: RegistryContext) => {
        requireAccess.publish(principal, input.name);
        return changes.check(input, actorOf(principal));
      },
      publish: (_: unknown, { input }: { input: PublishInput }, { principal }: RegistryContext) => {
        requireAccess.publish(principal, input.name);
        return changes.publish(input, actorOf(principal));
      },
      rollback: (_: unknown, args: { name: string; toVersion: number; force: boolean }, { principal }: RegistryContext) => {
        requireAccess.admin(principal, 'rollback');
        return changes.rollback(args.name, args.toVersion, args.force, actorOf(principal));
      },
      remove: (_: unknown, args: { name: string; force: boolean }, { principal }: RegistryContext) => {
        requireAccess.admin(principal, 'remove');
        return changes.remove(args.name, args.force, actorOf(principal));
      },
      reportUsage: async (_: unknown, { entries }: { entries: UsageEntryInput[] }, { principal }: RegistryContext) => {
        requireAccess.reportUsage(principal);
        if (entries.length > MAX_USAGE_ENTRIES) throw badInput(`reportUsage: expected at most ${MAX_USAGE_ENTRIES} entries per call, got ${entries.length}: send them in several calls`);
        const problems = entries.flatMap((entry, i) => usageProblems(entry).map((p) => `entries[${i}].${p}`));
        // All or nothing: a report counted in part cannot be resent without counting the rest twice.
        if (problems.length > 0) throw badInput(`reportUsage: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? `; and ${problems.length - 10} more` : ''}`);
        await registry.upsertUsage(entries.filter((e) => e.count > 0));
        return entries.length;
      },
    },
    ClientUsage: {
      count: (usage: ClientUsage) => Math.min(usage.count, MAX_INT),
    },
  };
}

function bounded(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput(`${name}: expected a whole number from 1 to ${max}, got ${value}`);
  return value;
}

/** The first UTC day of the usage window, counted as the checks count it (checks/usage.ts). */
function firstDayOf(days: number, now: number): string {
  return daysBefore(new Date(now).toISOString().slice(0, 10), days);
}

function usageProblems(entry: UsageEntryInput): string[] {
  const problems: string[] = [];
  if (!DAY.test(entry.day) || Number.isNaN(Date.parse(`${entry.day}T00:00:00Z`)) || new Date(`${entry.day}T00:00:00Z`).toISOString().slice(0, 10) !== entry.day) {
    problems.push(`day: expected a date YYYY-MM-DD, got ${JSON.stringify(entry.day.slice(0, 40))}`);
  }
  for (const key of ['clientName', 'clientVersion'] as const) {
    if (entry[key] === '' || entry[key].length > MAX_CLIENT) problems.push(`${key}: expected 1 to ${MAX_CLIENT} characters, got ${entry[key].length}`);
    // PostgreSQL text cannot hold U+0000: refused here rather than failing the insert.
    else if (entry[key].includes('\u0000')) problems.push(`${key}: expected text without NUL characters (U+0000)`);
  }
  if (!COORDINATE.test(entry.coordinate) || entry.coordinate.length > 512) {
    problems.push(`coordinate: expected a schema coordinate such as Product.name, got ${JSON.stringify(entry.coordinate.slice(0, 80))}`);
  }
  if (entry.count < 0) problems.push(`count: expected 0 or more, got ${entry.count}`);
  return problems;
}
