/**
 * The registry API's types, as TypeScript: what `schema.graphql` declares, as the resolvers produce
 * it and the client returns it. They follow the wire: severities are the GraphQL enum (`ERROR`), an
 * absent value is null. (The checks' own types, in registry/src/checks/, use lower-case severities.)
 */

import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';

export type Severity = 'ERROR' | 'WARNING' | 'INFO';

/** What a subgraph version row records about how it came to be. */
export type VersionAction = 'publish' | 'rollback' | 'remove';

/** A coordinate's use by one client version over the usage window. */
export interface ClientUsage {
  /** `apollographql-client-name` (default `unknown`). */
  client: string;
  /** `apollographql-client-version` (default `unknown`). */
  version: string;
  /** Requests that used the coordinate, summed over the window (capped at 2^31-1 on the wire). */
  count: number;
  /** Last day it was used, `YYYY-MM-DD` (UTC). */
  lastSeen: string;
}

export interface CoordinateUsage {
  coordinate: string;
  clients: ClientUsage[];
}

export interface SubgraphVersion {
  name: string;
  version: number;
  url: string;
  sdl: string;
  /** The parsed `dataproduct.yaml`. */
  descriptor: DataProductDescriptor;
  /** The `sub` of the token that published it. */
  publisher: string;
  /** ISO-8601 instant in UTC. */
  publishedAt: string;
  label: string | null;
  action: VersionAction;
  /** True for the version each subgraph currently has (never for a removal). */
  current: boolean;
}

export interface SubgraphRef {
  name: string;
  version: number;
}

export interface Supergraph {
  /** Composition id: sha256 hex of the supergraph SDL. */
  id: string;
  sdl: string | null;
  /** ISO-8601 instant in UTC. */
  createdAt: string;
  accepted: boolean;
  /** Why a refused one was refused. */
  reason: string | null;
  inputs: SubgraphRef[];
  publisher: string;
}

export interface CheckResult {
  severity: Severity;
  /** `sdl-parse`, `composition`, `breaking`, `running-contract`, `lint:<id>`, ... */
  rule: string;
  message: string;
  coordinates: string[];
  clients: ClientUsage[];
  evidence: string | null;
}

export interface CheckReport {
  /** False when any result is an error. */
  ok: boolean;
  compositionId: string | null;
  results: CheckResult[];
}

export interface PublishResult {
  ok: boolean;
  /** The publish changed nothing: the current version already has this URL, SDL and descriptor. */
  unchanged: boolean;
  /** The version stored (or, when unchanged, the current one); null when refused. */
  version: SubgraphVersion | null;
  /** The supergraph composed for the change (accepted or not); null when composition produced none. */
  supergraph: Supergraph | null;
  report: CheckReport;
}

export interface PublishInput {
  name: string;
  /** The routing URL the gateway will use, http(s). */
  url: string;
  sdl: string;
  /** The text of `dataproduct.yaml`. */
  descriptor: string;
  /** A commit sha or version label. */
  label?: string | null;
  /** Publish only: do not ask the running subgraph for its `_service { sdl }`. Default false. */
  skipRunningCheck?: boolean;
  /** Admin only: breaking and promise errors become warnings. Default false. */
  force?: boolean;
}

export interface UsageEntryInput {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  clientName: string;
  clientVersion: string;
  /** `Type.field`. */
  coordinate: string;
  count: number;
}

/** Bounds of one `reportUsage` call. */
export const MAX_USAGE_ENTRIES = 10_000;
