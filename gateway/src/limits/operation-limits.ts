import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, HttpError } from '../../../shared/errors.js';

/**
 * Limits on the shape of the operation a request selects, measured on the parsed document
 * before validation, authorization and planning. Every limit counts what would be executed:
 * fragments are followed where they are spread, never copied. A limit of 0 disables it.
 */
export interface OperationLimits {
  /**
   * Nesting of field selection sets (`{ a { b } }` is 2; fragments add none). Default 20: the
   * standard introspection query needs 15 (its `TypeRef` fragment), the documented queries 4; the
   * deepest products.stockLevels.product… chain it allows, with fields of all three subgraphs at
   * every level, plans in ~10–25 ms (bench/limits-worst-case.ts).
   */
  readonly maxDepth: number;
  /**
   * Aliased fields, counted as executed (a fragment's aliases times the times it is spread).
   * Default 30, Apollo Router's documented example: no documented query or introspection uses one,
   * and 30 aliases fanning out to other subgraphs inside one root field plan in ~5 ms.
   */
  readonly maxAliases: number;
  /**
   * Fields at the operation's top level, including those of fragments spread there, counted as
   * spread (an upper bound: two spreads of one root field count twice). Default 20, Apollo Router's
   * documented example: the demo's Query has 12 fields, the documented queries use at most 2, and 20
   * aliased root fields each joining three subgraphs, the planner's worst here, plan in ~25–40 ms.
   */
  readonly maxRootFields: number;
  /**
   * Directives on any one node (operation, field, fragment spread, inline fragment, fragment).
   * Default 10: no executable directive of the API schema is repeatable, so a valid node carries
   * at most one each of @skip, @include and @defer.
   */
  readonly maxDirectives: number;
  /**
   * Directives in the whole operation, counted as executed (a fragment's times the times it is
   * spread), as GraphQL Armor's `maxDirectives` counts them (its default: 50). Default 20: each
   * `@include`/`@skip` on its own variable is a branch the planner plans apart, ~2–4 ms each
   * here (20 plan in ~45–80 ms), and the documented queries and introspection use none.
   */
  readonly maxTotalDirectives: number;
  /**
   * Selections (fields, inline fragments and spreads) once every fragment is expanded where it is
   * spread. Default 300: the full introspection query has 240. graphql-js validation and query
   * planning grow faster than linearly in nested fragments: a chain of fragments each spreading the
   * previous costs ~60 ms at 300 selections, ~110 ms at 400, ~130 ms at 500 and ~800 ms of
   * validation alone at 1500; Apollo Router's default (10,000,000) is for a parser in Rust.
   */
  readonly maxSelections: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = Object.freeze({
  maxDepth: 20,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 10,
  maxTotalDirectives: 20,
  maxSelections: 300,
});

/** What `measureOperation` counts, one number per limit. */
export interface OperationMeasures {
  readonly depth: number;
  readonly aliases: number;
  readonly rootFields: number;
  /** The most directives found on one node. */
  readonly directives: number;
  /** Every directive, counted where its fragment is spread. */
  readonly totalDirectives: number;
  /** Saturates at `Number.MAX_SAFE_INTEGER` instead of growing past it (fragments can double at every level). */
  readonly selections: number;
}

/** The name of each limit, in the order they are checked (and the first violated one is reported). */
export type LimitName = keyof OperationLimits;

/**
 * The order limits are checked in. Expanded selections come first: an expansion attack trips it,
 * and it inflates every other count taken with multiplicity (aliases, root fields, directives), so
 * naming it is naming the cause.
 */
export const LIMIT_ORDER: readonly LimitName[] = ['maxSelections', 'maxDepth', 'maxAliases', 'maxRootFields', 'maxDirectives', 'maxTotalDirectives'];

/** One limit an operation is over: which, its value, and what was measured. */
export interface LimitViolation {
  readonly limit: LimitName;
  readonly max: number;
  readonly measured: number;
}

interface Tally {
  depth: number;
  aliases: number;
  /** Fields at this selection set's own level, through inline fragments and spreads. */
  fields: number;
  selections: number;
  directives: number;
  totalDirectives: number;
}

/** Fragments nest into each other; counts are clamped so that 2^k never becomes Infinity. */
const SATURATED = Number.MAX_SAFE_INTEGER;
const add = (a: number, b: number) => Math.min(a + b, SATURATED);

/** A fragment is measured once: `'visiting'` while its spreads are being resolved (a cycle ends there). */
type FragmentState = Tally | 'visiting';

/**
 * Measures the operation as it would be executed, without expanding a fragment: each fragment of
 * the document is measured once and its counts are added wherever it is spread. A spread of an
 * unknown fragment, or one that closes a cycle, counts as one selection and nothing more (such a
 * document fails validation later; here it must only not loop).
 */
export function measureOperation(document: DocumentNode, operation: OperationDefinitionNode): OperationMeasures {
  const definitions = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    // The first definition of a name wins, as in graphql-js's execution; duplicates fail validation.
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !definitions.has(definition.name.value)) definitions.set(definition.name.value, definition);
  }
  const measured = new Map<string, FragmentState>();
  resolveFragments(operation.selectionSet, definitions, measured);
  const tally = measureSelectionSet(operation.selectionSet, measured);
  return {
    depth: tally.depth,
    aliases: tally.aliases,
    rootFields: tally.fields,
    directives: Math.max(tally.directives, operation.directives?.length ?? 0),
    totalDirectives: add(tally.totalDirectives, operation.directives?.length ?? 0),
    selections: tally.selections,
  };
}

/**
 * Measures every fragment reachable from `root`, dependencies first. An explicit stack instead of
 * recursion: a chain of a thousand fragments fits in the token limit, and this function is also
 * called on documents no limit has bounded. A spread that meets a fragment still `'visiting'` is a cycle.
 */
function resolveFragments(root: SelectionSetNode, definitions: ReadonlyMap<string, FragmentDefinitionNode>, measured: Map<string, FragmentState>): void {
  const stack: { definition: FragmentDefinitionNode; pending: string[] }[] = [];
  const enter = (name: string) => {
    const definition = definitions.get(name);
    if (!definition || measured.has(name)) return;
    measured.set(name, 'visiting');
    stack.push({ definition, pending: spreadNames(definition.selectionSet) });
  };
  for (const name of spreadNames(root)) {
    enter(name);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.pending.pop();
      if (next !== undefined) {
        enter(next);
        continue;
      }
      stack.pop();
      const { definition } = top;
      const tally = measureSelectionSet(definition.selectionSet, measured);
      tally.directives = Math.max(tally.directives, definition.directives?.length ?? 0);
      tally.totalDirectives = add(tally.totalDirectives, definition.directives?.length ?? 0);
      measured.set(definition.name.value, tally);
    }
  }
}

/** The names of the fragments spread in a selection set, inline fragments and sub-selections included. */
function spreadNames(selectionSet: SelectionSetNode, names: string[] = []): string[] {
  for (const selection of selectionSet.selections) {
    switch (selection.kind) {
      case Kind.FRAGMENT_SPREAD:
        names.push(selection.name.value);
        break;
      case Kind.FIELD:
        if (selection.selectionSet) spreadNames(selection.selectionSet, names);
        break;
      case Kind.INLINE_FRAGMENT:
        spreadNames(selection.selectionSet, names);
        break;
      default:
        assertNever(selection);
    }
  }
  return names;
}

/** Counts one selection set; every fragment it spreads has been measured already (or is in a cycle). */
function measureSelectionSet(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentState>): Tally {
  const tally: Tally = { depth: 0, aliases: 0, fields: 0, selections: 0, directives: 0, totalDirectives: 0 };
  const include = (nested: Tally, levelFields: number) => {
    tally.aliases = add(tally.aliases, nested.aliases);
    tally.fields = add(tally.fields, levelFields);
    tally.selections = add(tally.selections, nested.selections);
    tally.directives = Math.max(tally.directives, nested.directives);
    tally.totalDirectives = add(tally.totalDirectives, nested.totalDirectives);
  };
  for (const selection of selectionSet.selections) {
    tally.selections = add(tally.selections, 1);
    tally.directives = Math.max(tally.directives, selection.directives?.length ?? 0);
    tally.totalDirectives = add(tally.totalDirectives, selection.directives?.length ?? 0);
    switch (selection.kind) {
      case Kind.FIELD: {
        tally.fields = add(tally.fields, 1);
        if (selection.alias) tally.aliases = add(tally.aliases, 1);
        const nested = selection.selectionSet ? measureSelectionSet(selection.selectionSet, fragments) : undefined;
        tally.depth = Math.max(tally.depth, 1 + (nested?.depth ?? 0));
        // A field opens a level: the fields of its sub-selection are not this level's.
        if (nested) include(nested, 0);
        break;
      }
      case Kind.INLINE_FRAGMENT: {
        const nested = measureSelectionSet(selection.selectionSet, fragments);
        tally.depth = Math.max(tally.depth, nested.depth);
        include(nested, nested.fields);
        break;
      }
      case Kind.FRAGMENT_SPREAD: {
        const fragment = fragments.get(selection.name.value);
        if (fragment === undefined || fragment === 'visiting') break;
        tally.depth = Math.max(tally.depth, fragment.depth);
        include(fragment, fragment.fields);
        break;
      }
      default:
        assertNever(selection);
    }
  }
  return tally;
}

/** The first limit the measures are over, in `LIMIT_ORDER`; `null` when within every limit. */
export function firstViolation(measures: OperationMeasures, limits: OperationLimits): LimitViolation | null {
  for (const limit of LIMIT_ORDER) {
    const max = limits[limit];
    const measured = measuredFor(measures, limit);
    if (max > 0 && measured > max) return { limit, max, measured };
  }
  return null;
}

function measuredFor(measures: OperationMeasures, limit: LimitName): number {
  switch (limit) {
    case 'maxDepth':
      return measures.depth;
    case 'maxAliases':
      return measures.aliases;
    case 'maxRootFields':
      return measures.rootFields;
    case 'maxDirectives':
      return measures.directives;
    case 'maxTotalDirectives':
      return measures.totalDirectives;
    case 'maxSelections':
      return measures.selections;
    default:
      return assertNever(limit);
  }
}

/** The refusal a client receives: HTTP 400, the limit's code, and the limit and measured value in `extensions`. */
export function limitError(violation: LimitViolation): HttpError {
  const { limit, max, measured } = violation;
  return new HttpError(400, codeFor(limit), `${describe(limit, measured)} exceeds the limit of ${max}`, {}, { limit: max, measured });
}

function codeFor(limit: LimitName): ErrorCode {
  switch (limit) {
    case 'maxDepth':
      return ErrorCode.MaxDepthLimit;
    case 'maxAliases':
      return ErrorCode.MaxAliasesLimit;
    case 'maxRootFields':
      return ErrorCode.MaxRootFieldsLimit;
    case 'maxDirectives':
    case 'maxTotalDirectives':
      return ErrorCode.MaxDirectivesLimit;
    case 'maxSelections':
      return ErrorCode.MaxSelectionsLimit;
    default:
      return assertNever(limit);
  }
}

function describe(limit: LimitName, measured: number): string {
  switch (limit) {
    case 'maxDepth':
      return `Operation depth ${measured}`;
    case 'maxAliases':
      return `Operation alias count ${measured} (fragments counted where spread)`;
    case 'maxRootFields':
      return `Operation root field count ${measured} (fragments counted where spread)`;
    case 'maxDirectives':
      return `Directive count ${measured} on one node of the operation`;
    case 'maxTotalDirectives':
      return `Operation directive count ${measured} (fragments counted where spread)`;
    case 'maxSelections':
      return measured >= SATURATED
        ? `Operation selection count with fragments expanded (at least ${measured})`
        : `Operation selection count with fragments expanded (${measured})`;
    default:
      return assertNever(limit);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
