import type { DataProductDescriptor } from '../../shared/dataproduct/descriptor.js';
import type { Database, Queryable } from '../../shared/db/database.js';
import type { ClientUsage, SubgraphRef, SubgraphVersion, Supergraph, UsageEntryInput, VersionAction } from './api/types.js';

/** One row of `subgraph_versions`: the API's SubgraphVersion without `current`, which is derived. */
export type StoredVersion = Omit<SubgraphVersion, 'current'>;

export type NewVersion = Omit<StoredVersion, 'version' | 'publishedAt'>;

/** One row of `supergraphs`: exactly what the API serves as a Supergraph. */
export type StoredSupergraph = Supergraph;

export type NewSupergraph = Omit<StoredSupergraph, 'createdAt'>;

/** The registry's SQL behind one small interface; the same statements on PostgreSQL and PGlite. */
export interface RegistryStore {
  /** The current version of each subgraph, by name; a subgraph whose latest row is a removal is left out. */
  currentVersions(): Promise<StoredVersion[]>;
  /** The latest row of one subgraph, a removal included; undefined when it was never published. */
  latestVersion(name: string): Promise<StoredVersion | undefined>;
  version(name: string, version: number): Promise<StoredVersion | undefined>;
  /** The given versions, in the order asked; missing ones are left out. */
  versions(refs: readonly SubgraphRef[]): Promise<StoredVersion[]>;
  /** Newest first. */
  history(name: string, limit: number): Promise<StoredVersion[]>;
  /** Stores the next version of `input.name` (one more than its latest). */
  appendVersion(input: NewVersion): Promise<StoredVersion>;
  recordSupergraph(input: NewSupergraph): Promise<StoredSupergraph>;
  latestAcceptedSupergraph(): Promise<StoredSupergraph | undefined>;
  /** Newest first, accepted and refused. */
  supergraphs(limit: number): Promise<StoredSupergraph[]>;
  /** Adds each entry's count to its (day, client, version, coordinate); returns how many entries were stored. */
  upsertUsage(entries: readonly UsageEntryInput[]): Promise<number>;
  /** Who used each coordinate on or after `sinceDay` (`YYYY-MM-DD`): coordinates nobody used are absent. */
  usage(coordinates: readonly string[], sinceDay: string): Promise<Map<string, ClientUsage[]>>;
}

export interface RegistryDatabase extends RegistryStore {
  /**
   * Runs `work` in one transaction that holds the registry's publish lock: every change (publish,
   * rollback, remove) reads the current versions, composes and stores inside it, so two changes
   * never compose against the same base. Everything `work` reads and writes must go through the
   * store it is given: on PGlite a query outside the transaction waits for it to end.
   */
  serialized<T>(work: (store: RegistryStore) => Promise<T>): Promise<T>;
}

export function createRegistryDatabase(db: Database): RegistryDatabase {
  return {
    ...createRegistryStore(db),
    serialized: (work) =>
      db.transaction(async (tx) => {
        // Transaction-scoped, so a crash or a rollback releases it; keyed by schema, so test schemas on one server do not wait for each other.
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${db.schema}.publish`]);
        return work(createRegistryStore(tx));
      }),
  };
}

// Instants and days are formatted by SQL: node-postgres turns `date` into a local-midnight Date, PGlite does not.
const VERSION_COLUMNS = `name, version, url, sdl, descriptor, publisher, label, action,
  to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS published_at`;
const SUPERGRAPH_COLUMNS = `id, sdl, accepted, reason, inputs, publisher,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;

interface VersionRow {
  name: string;
  version: number;
  url: string;
  sdl: string;
  descriptor: DataProductDescriptor | string;
  publisher: string;
  published_at: string;
  label: string | null;
  action: VersionAction;
}

interface SupergraphRow {
  id: string;
  sdl: string | null;
  created_at: string;
  accepted: boolean;
  reason: string | null;
  inputs: SubgraphRef[] | string;
  publisher: string;
}

export function createRegistryStore(q: Queryable): RegistryStore {
  return {
    currentVersions: async () =>
      (
        await q.query<VersionRow>(
          `SELECT * FROM (SELECT DISTINCT ON (name) ${VERSION_COLUMNS} FROM subgraph_versions ORDER BY name, version DESC) latest
           WHERE action <> 'remove' ORDER BY name`,
        )
      ).map(toVersion),
    latestVersion: async (name) => {
      const [row] = await q.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM subgraph_versions WHERE name = $1 ORDER BY version DESC LIMIT 1`, [name]);
      return row && toVersion(row);
    },
    version: async (name, version) => {
      const [row] = await q.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM subgraph_versions WHERE name = $1 AND version = $2`, [name, version]);
      return row && toVersion(row);
    },
    versions: async (refs) => {
      if (refs.length === 0) return [];
      const rows = await q.query<VersionRow>(
        `SELECT ${VERSION_COLUMNS} FROM subgraph_versions
         WHERE (name, version) IN (SELECT * FROM unnest($1::text[], $2::int[]))`,
        [refs.map((r) => r.name), refs.map((r) => r.version)],
      );
      const byKey = new Map(rows.map((row) => [`${row.name}@${row.version}`, toVersion(row)]));
      return refs.flatMap((r) => byKey.get(`${r.name}@${r.version}`) ?? []);
    },
    history: async (name, limit) =>
      (await q.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM subgraph_versions WHERE name = $1 ORDER BY version DESC LIMIT $2`, [name, limit])).map(toVersion),
    appendVersion: async (input) => {
      const [row] = await q.query<VersionRow>(
        `INSERT INTO subgraph_versions (name, version, url, sdl, descriptor, publisher, label, action)
         SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4::jsonb, $5, $6, $7 FROM subgraph_versions WHERE name = $1
         RETURNING ${VERSION_COLUMNS}`,
        [input.name, input.url, input.sdl, JSON.stringify(input.descriptor), input.publisher, input.label, input.action],
      );
      return toVersion(row as VersionRow);
    },
    recordSupergraph: async (input) => {
      const [row] = await q.query<SupergraphRow>(
        `INSERT INTO supergraphs (id, sdl, accepted, reason, inputs, publisher) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         RETURNING ${SUPERGRAPH_COLUMNS}`,
        [input.id, input.sdl, input.accepted, input.reason, JSON.stringify(input.inputs), input.publisher],
      );
      return toSupergraph(row as SupergraphRow);
    },
    latestAcceptedSupergraph: async () => {
      const [row] = await q.query<SupergraphRow>(`SELECT ${SUPERGRAPH_COLUMNS} FROM supergraphs WHERE accepted ORDER BY seq DESC LIMIT 1`);
      return row && toSupergraph(row);
    },
    supergraphs: async (limit) => (await q.query<SupergraphRow>(`SELECT ${SUPERGRAPH_COLUMNS} FROM supergraphs ORDER BY seq DESC LIMIT $1`, [limit])).map(toSupergraph),
    upsertUsage: async (entries) => {
      // One statement may not update a row twice (ON CONFLICT), so repeated keys are summed first.
      const summed = new Map<string, UsageEntryInput>();
      for (const entry of entries) {
        const key = JSON.stringify([entry.day, entry.clientName, entry.clientVersion, entry.coordinate]);
        const seen = summed.get(key);
        summed.set(key, seen ? { ...seen, count: seen.count + entry.count } : { ...entry });
      }
      const rows = [...summed.values()];
      if (rows.length === 0) return 0;
      await q.query(
        `INSERT INTO usage (day, client_name, client_version, coordinate, count)
         SELECT * FROM unnest($1::date[], $2::text[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT (day, client_name, client_version, coordinate) DO UPDATE SET count = usage.count + EXCLUDED.count`,
        [rows.map((r) => r.day), rows.map((r) => r.clientName), rows.map((r) => r.clientVersion), rows.map((r) => r.coordinate), rows.map((r) => r.count)],
      );
      return entries.length;
    },
    usage: async (coordinates, sinceDay) => {
      const result = new Map<string, ClientUsage[]>();
      if (coordinates.length === 0) return result;
      const rows = await q.query<{ coordinate: string; client_name: string; client_version: string; count: string | number; last_seen: string }>(
        `SELECT coordinate, client_name, client_version, sum(count) AS count, to_char(max(day), 'YYYY-MM-DD') AS last_seen
         FROM usage WHERE coordinate = ANY($1::text[]) AND day >= $2::date
         GROUP BY coordinate, client_name, client_version
         ORDER BY coordinate, sum(count) DESC, client_name, client_version`,
        [[...new Set(coordinates)], sinceDay],
      );
      for (const row of rows) {
        const clients = result.get(row.coordinate) ?? [];
        clients.push({ client: row.client_name, version: row.client_version, count: Number(row.count), lastSeen: row.last_seen });
        result.set(row.coordinate, clients);
      }
      return result;
    },
  };
}

// Both drivers parse jsonb; the string branch keeps a driver configured otherwise working.
const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function toVersion(row: VersionRow): StoredVersion {
  return {
    name: row.name,
    version: Number(row.version),
    url: row.url,
    sdl: row.sdl,
    descriptor: json(row.descriptor),
    publisher: row.publisher,
    publishedAt: row.published_at,
    label: row.label,
    action: row.action,
  };
}

function toSupergraph(row: SupergraphRow): StoredSupergraph {
  return {
    id: row.id,
    sdl: row.sdl,
    createdAt: row.created_at,
    accepted: row.accepted,
    reason: row.reason,
    inputs: json(row.inputs),
    publisher: row.publisher,
  };
}
