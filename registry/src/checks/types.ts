import type { DataProductDescriptor } from '../../../shared/dataproduct/descriptor.js';
import type { LintConfig } from './lint-config.js';

/**
 * The checks' public contract (CONTRACTS.md, "Checks"): what the registry passes in for check,
 * publish, rollback and remove, and the report it gets back.
 */
export type Severity = 'error' | 'warning' | 'info';

/** Rule ids as they appear in results; lint rules appear as `lint:<id>`. */
export type RuleId =
  | 'sdl-parse'
  | 'descriptor-valid'
  | 'descriptor-consistent'
  | 'composition'
  | 'security-features'
  | 'classified-restricted'
  | `lint:${string}`
  | 'breaking'
  | 'authorization-tightened'
  | 'promise-weakened'
  | 'running-contract';

export interface CheckResult {
  severity: Severity;
  rule: string;
  message: string;
  /** Schema coordinates (`Type`, `Type.field`, `Type.field.argument`, `Enum.VALUE`) the result concerns. */
  coordinates: string[];
  /** The clients that used those coordinates in the usage window (breaking results only). */
  clients: ClientUsage[];
  evidence?: string;
}

export interface ClientUsage {
  client: string;
  version: string;
  count: number;
  /** YYYY-MM-DD */
  lastSeen: string;
}

export interface SubgraphInput {
  name: string;
  url: string;
  sdl: string;
  descriptor: DataProductDescriptor;
}

export interface CandidateInput {
  name: string;
  url: string;
  sdl: string;
  /** The dataproduct.yaml text, as published. */
  descriptorText: string;
}

/** A rollback is a publish whose candidate is the old version. */
export type Change = { kind: 'publish'; candidate: CandidateInput } | { kind: 'remove'; name: string };

export interface CheckInput {
  change: Change;
  /** The current version of every subgraph (including the changed one's previous, if any). */
  current: SubgraphInput[];
  /** The latest accepted supergraph; absent before the first one, when nothing can break. */
  servedSupergraphSdl?: string;
  /** Usage per field coordinate (`Type.field`) since `sinceDay` (YYYY-MM-DD, inclusive). */
  usage: (coordinates: string[], sinceDay: string) => Promise<Map<string, ClientUsage[]>>;
  options: CheckOptions;
}

export interface CheckOptions {
  /** A breaking change to a coordinate no client used in this many days passes. Default 30. */
  usageWindowDays: number;
  lint: LintConfig;
  /** Admin only: breaking, authorization-tightened and promise-weakened errors become warnings. */
  force?: boolean;
  /** YYYY-MM-DD; default the current UTC day (tests fix it). */
  today?: string;
}

export interface CheckReport {
  /** False iff some result has severity `error`. */
  ok: boolean;
  results: CheckResult[];
  /** The composed supergraph, whenever composition succeeded (also when another check failed). */
  supergraphSdl?: string;
  /** sha256 hex of `supergraphSdl`. */
  compositionId?: string;
  /** The candidate's parsed descriptor, when it is valid. */
  descriptor?: DataProductDescriptor;
}

/** A result with no clients yet; every check builds its results with it. */
export function result(severity: Severity, rule: RuleId, message: string, coordinates: string[] = [], evidence?: string): CheckResult {
  return evidence === undefined ? { severity, rule, message, coordinates, clients: [] } : { severity, rule, message, coordinates, clients: [], evidence };
}
