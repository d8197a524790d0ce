import { createHash } from 'node:crypto';
import { parseDescriptor, type DataProductDescriptor } from '../../shared/dataproduct/descriptor.js';
import type { Logger } from '../../shared/logging.js';
import type { CheckReport, CheckResult, PublishInput, PublishResult, Severity, SubgraphRef } from './api/types.js';
import type { LintConfig } from './checks/lint-config.js';
import { runChecks } from './checks/run-checks.js';
import type { Change, CheckReport as ChecksReport } from './checks/types.js';
import { badInput, forbidden, notFound } from './errors.js';
import { checkRunningContract, type RunningContractOptions } from './running-contract/running-contract.js';
import type { NewVersion, RegistryDatabase, RegistryStore, StoredSupergraph, StoredVersion } from './store.js';
import { toApiVersion } from './versions.js';

/** Who asks for a change: the token's subject is recorded as the publisher. */
export interface Actor {
  subject: string;
  admin: boolean;
}

export interface ChangeOptions {
  registry: RegistryDatabase;
  /** Days of usage a breaking change is weighed against. Default in config: 30. */
  usageWindowDays: number;
  lint: LintConfig;
  runningContract?: RunningContractOptions;
  logger: Logger;
}

/** Authorization is the API's (api/access.ts): these run for a caller already allowed the change. */
export interface Changes {
  check(input: PublishInput, actor: Actor): Promise<CheckReport>;
  publish(input: PublishInput, actor: Actor): Promise<PublishResult>;
  rollback(name: string, toVersion: number, force: boolean, actor: Actor): Promise<PublishResult>;
  remove(name: string, force: boolean, actor: Actor): Promise<PublishResult>;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const MAX_NAME = 63;
const MAX_LABEL = 200;

/**
 * Check, publish, rollback and remove: one path. Each validates its input, runs the checks against
 * the current version of every subgraph and the served supergraph, and (except check) stores the
 * new version with its supergraph in one transaction that holds the publish lock, so two changes
 * never compose against the same base. A refusal is a result (`ok: false` with the report), not an error.
 */
export function createChanges(options: ChangeOptions): Changes {
  const { registry } = options;

  const runFor = (store: RegistryStore, change: Change, current: StoredVersion[], served: StoredSupergraph | undefined, force: boolean) =>
    runChecks({
      change,
      current: current.map((v) => ({ name: v.name, url: v.url, sdl: v.sdl, descriptor: v.descriptor })),
      servedSupergraphSdl: served?.sdl ?? undefined,
      usage: (coordinates, sinceDay) => store.usage(coordinates, sinceDay),
      options: { usageWindowDays: options.usageWindowDays, lint: options.lint, force },
    });

  /**
   * Stores `next` and its supergraph when every check passed; when not, records the supergraph that
   * was composed (if any) as refused, so an operator sees why it was never served.
   */
  const settle = async (store: RegistryStore, checks: ChecksReport, extra: CheckResult[], current: StoredVersion[], next: NewVersion, actor: Actor): Promise<PublishResult> => {
    const report = toReport(checks, extra);
    const others = current.filter((v) => v.name !== next.name);
    if (!report.ok) {
      const supergraph = checks.supergraphSdl
        ? await store.recordSupergraph({
            id: checks.compositionId ?? compositionId(checks.supergraphSdl),
            sdl: checks.supergraphSdl,
            accepted: false,
            reason: reasonOf(report),
            // Version 0: the refused candidate, which was never stored.
            inputs: refs(next.action === 'remove' ? others : [...others, { name: next.name, version: 0 }]),
            publisher: actor.subject,
          })
        : undefined;
      return { ok: false, unchanged: false, version: null, supergraph: supergraph ?? null, report };
    }
    const stored = await store.appendVersion(next);
    // Removing the last subgraph leaves nothing to serve: an accepted entry without SDL says so.
    const sdl = checks.supergraphSdl ?? null;
    const supergraph = await store.recordSupergraph({
      id: checks.compositionId ?? compositionId(sdl ?? ''),
      sdl,
      accepted: true,
      reason: null,
      inputs: refs(stored.action === 'remove' ? others : [...others, stored]),
      publisher: actor.subject,
    });
    return { ok: true, unchanged: false, version: toApiVersion(stored, stored.action !== 'remove'), supergraph, report };
  };

  return {
    async check(input, actor) {
      validate(input, actor);
      const [current, served] = await Promise.all([registry.currentVersions(), registry.latestAcceptedSupergraph()]);
      return toReport(await runFor(registry, publishChange(input), current, served, input.force ?? false), []);
    },

    async publish(input, actor) {
      validate(input, actor);
      // Asked before the lock is taken: it depends only on the candidate, and may take seconds.
      const running = input.skipRunningCheck ? [] : await checkRunningContract(input.url, input.sdl, options.runningContract);
      return registry.serialized(async (store) => {
        const [current, latest, served] = await Promise.all([store.currentVersions(), store.latestVersion(input.name), store.latestAcceptedSupergraph()]);
        if (latest && latest.action !== 'remove' && sameContent(latest, input.url, input.sdl, input.descriptor)) {
          const report = toReport({ ok: true, results: [], compositionId: served?.id }, running);
          return { ok: report.ok, unchanged: true, version: toApiVersion(latest, true), supergraph: served ?? null, report };
        }
        const checks = await runFor(store, publishChange(input), current, served, input.force ?? false);
        // The checks validated the descriptor (rule descriptor-valid); a refused one is never stored.
        const descriptor = checks.ok ? (checks.descriptor ?? parseDescriptor(input.descriptor, `${input.name}/dataproduct.yaml`)) : ({} as DataProductDescriptor);
        const next = { name: input.name, url: input.url, sdl: input.sdl, descriptor, publisher: actor.subject, label: input.label ?? null, action: 'publish' as const };
        return settle(store, checks, running, current, next, actor);
      });
    },

    async rollback(name, toVersion, force, actor) {
      return registry.serialized(async (store) => {
        const target = await store.version(name, toVersion);
        if (!target) throw notFound(`Subgraph "${name}" has no version ${toVersion}: see history(name: "${name}")`);
        if (target.action === 'remove') throw badInput(`Version ${toVersion} of "${name}" is a removal, not a contract: roll back to a version before it`);
        const [current, latest, served] = await Promise.all([store.currentVersions(), store.latestVersion(name), store.latestAcceptedSupergraph()]);
        if (latest && latest.action !== 'remove' && sameContent(latest, target.url, target.sdl, target.descriptor)) {
          return { ok: true, unchanged: true, version: toApiVersion(latest, true), supergraph: served ?? null, report: toReport({ ok: true, results: [], compositionId: served?.id }, []) };
        }
        // A stored descriptor is already valid; its JSON is YAML the checks read like the original text.
        const candidate = { name, url: target.url, sdl: target.sdl, descriptorText: JSON.stringify(target.descriptor) };
        const checks = await runFor(store, { kind: 'publish', candidate }, current, served, force);
        const next = { name, url: target.url, sdl: target.sdl, descriptor: target.descriptor, publisher: actor.subject, label: target.label, action: 'rollback' as const };
        return settle(store, checks, [], current, next, actor);
      });
    },

    async remove(name, force, actor) {
      return registry.serialized(async (store) => {
        const latest = await store.latestVersion(name);
        if (!latest) throw notFound(`Subgraph "${name}" was never published: see subgraphs`);
        const [current, served] = await Promise.all([store.currentVersions(), store.latestAcceptedSupergraph()]);
        if (latest.action === 'remove') {
          return { ok: true, unchanged: true, version: toApiVersion(latest, false), supergraph: served ?? null, report: toReport({ ok: true, results: [], compositionId: served?.id }, []) };
        }
        const checks = await runFor(store, { kind: 'remove', name }, current, served, force);
        // The removal row keeps the last contract, so history shows what went.
        const next = { name, url: latest.url, sdl: latest.sdl, descriptor: latest.descriptor, publisher: actor.subject, label: null, action: 'remove' as const };
        return settle(store, checks, [], current, next, actor);
      });
    },
  };
}

function publishChange(input: PublishInput): Change {
  return { kind: 'publish', candidate: { name: input.name, url: input.url, sdl: input.sdl, descriptorText: input.descriptor } };
}

function refs(versions: readonly SubgraphRef[]): SubgraphRef[] {
  return versions.map((v) => ({ name: v.name, version: v.version })).sort((a, b) => a.name.localeCompare(b.name));
}
/** The checks' report plus the registry's own results, as the API returns it: ok iff no error. */
function toReport(checks: Pick<ChecksReport, 'results' | 'compositionId'> & { ok: boolean }, extra: readonly CheckResult[]): CheckReport {
  const results: CheckResult[] = [
    ...checks.results.map((r) => ({
      severity: SEVERITY[r.severity],
      rule: r.rule,
      message: r.message,
      coordinates: [...r.coordinates],
      clients: r.clients.map((c) => ({ ...c })),
      evidence: r.evidence ?? null,
    })),
    ...extra,
  ];
  return { ok: checks.ok && !extra.some((r) => r.severity === 'ERROR'), compositionId: checks.compositionId ?? null, results };
}

const SEVERITY: Record<ChecksReport['results'][number]['severity'], Severity> = { error: 'ERROR', warning: 'WARNING', info: 'INFO' };

function reasonOf(report: CheckReport): string {
  const errors = report.results.filter((r) => r.severity === 'ERROR');
  const text = errors.map((r) => `${r.rule}: ${r.message}`).join('; ');
  return text.length > 2000 ? `${text.slice(0, 1997)}...` : text;
}

export function compositionId(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex');
}

/** Same URL, SDL and descriptor (compared as data: key order and YAML comments do not count). */
function sameContent(stored: StoredVersion, url: string, sdl: string, descriptor: string | DataProductDescriptor): boolean {
  if (stored.url !== url || stored.sdl !== sdl) return false;
  let parsed: DataProductDescriptor;
  try {
    parsed = typeof descriptor === 'string' ? parseDescriptor(descriptor, `${stored.name}/dataproduct.yaml`) : descriptor;
  } catch {
    return false;
  }
  return canonical(parsed) === canonical(stored.descriptor);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function validate(input: PublishInput, actor: Actor): void {
  const problems: string[] = [];
  if (!NAME.test(input.name) || input.name.length > MAX_NAME) {
    problems.push(`name: expected lower-case letters, digits and dashes, starting with a letter, at most ${MAX_NAME} characters (e.g. "pricing"), got ${JSON.stringify(input.name.slice(0, 80))}`);
  }
  if (!isHttpUrl(input.url)) problems.push(`url: expected an http:// or https:// URL of the subgraph's GraphQL endpoint, got ${JSON.stringify(input.url.slice(0, 200))}`);
  if (input.sdl.trim() === '') problems.push('sdl: expected the subgraph schema (schema.graphql), got an empty string');
  if (input.descriptor.trim() === '') problems.push('descriptor: expected the text of dataproduct.yaml, got an empty string');
  if (input.label != null && (input.label.length > MAX_LABEL || input.label.trim() === '')) problems.push(`label: expected 1 to ${MAX_LABEL} characters, got ${input.label.length}`);
  // PostgreSQL text cannot hold U+0000, and no schema, descriptor, URL or label needs it.
  for (const field of ['name', 'url', 'sdl', 'descriptor', 'label'] as const) {
    if (input[field]?.includes('\u0000')) problems.push(`${field}: expected text without NUL characters (U+0000), got one at offset ${input[field]!.indexOf('\u0000')}`);
  }
  if (problems.length > 0) throw badInput(`Invalid publish input:\n  - ${problems.join('\n  - ')}`);
  if (input.force && !actor.admin) throw forbidden('force is for registry admins (scope registry:admin): fix the reported problems instead, or ask a platform admin');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
