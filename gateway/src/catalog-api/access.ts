/**
 * What the caller may read, field by field or for one operation, in plain words: the gateway's own
 * verdict (explain-access.ts decides with the same authorization index and satisfied set the
 * governed executor uses), with the caller's principal and the policies decided for this request.
 */
import { validate, type DocumentNode } from 'graphql';
import { HttpError, withoutSuggestions } from '../../../shared/errors.js';
import type { Principal } from '../../../shared/principal.js';
import {
  explainCoordinate,
  explainOperation,
  requirementInPlainWords,
  type ExplainableSupergraph,
  type MissingRequirement,
} from '../governance/explain-access.js';
import type { PolicyResults } from '../governance/requirements.js';
import { firstViolation, limitError, measureOperation, type OperationLimits } from '../limits/operation-limits.js';
import { parseDocument, selectOperation, type ParseOptions } from '../pipeline/parse.js';
import { badInput } from './errors.js';
import type { CatalogView } from './types.js';

export interface MissingInWords {
  /** "needs the scope finance:read". */
  readonly requirement: string;
  /** Where it sits: "field Product.unitCost", "type Customer", "returned type SupportTicket". */
  readonly because: string;
}

export interface FieldAccess {
  readonly coordinate: string;
  readonly readable: boolean;
  /** Each missing requirement in plain words; empty when readable. */
  readonly missing: readonly string[];
  readonly details: readonly MissingInWords[];
}

export interface DeniedField {
  readonly path: readonly string[];
  readonly coordinate: string;
  readonly missing: readonly string[];
  readonly details: readonly MissingInWords[];
}

export interface OperationAccess {
  /** True when the operation is valid and every field it selects is readable. */
  readonly readable: boolean;
  readonly denied: readonly DeniedField[];
  /** Why the operation could not be judged (syntax, a limit, validation); empty when it was. */
  readonly errors: readonly string[];
}

export interface Caller {
  readonly principal: Principal;
  readonly policyResults: PolicyResults;
}

/** Every field the catalog lists (of one product, when named) with the caller's access to it, in catalog order. */
export function fieldAccess(view: CatalogView, prepared: ExplainableSupergraph, caller: Caller, product?: string | null): FieldAccess[] {
  const products = product == null ? view.products : [view.byName.get(product) ?? unknownProduct(view, product)];
  const seen = new Set<string>();
  const answers: FieldAccess[] = [];
  for (const { types } of products) {
    for (const type of types) {
      for (const field of type.fields) {
        // Input fields are not read; a key several products share is listed once.
        if (!field.authorized || seen.has(field.coordinate)) continue;
        seen.add(field.coordinate);
        const explained = explainCoordinate(prepared, field.coordinate, caller.principal, caller.policyResults);
        const missing = explained.readable ? [] : explained.missing;
        answers.push({ coordinate: field.coordinate, readable: explained.readable, ...inWords(missing) });
      }
    }
  }
  return answers;
}

/** Validation errors reported for one operation, as graphql-js stops after them. */
const MAX_REPORTED_ERRORS = 10;

export interface OperationBounds {
  readonly parse: Pick<ParseOptions, 'maxTokens' | 'maxRecursion'>;
  readonly limits: OperationLimits;
}

/**
 * Whether the caller may read everything `query` selects, and if not, each denied field and why.
 * The query is someone else's text: it is bounded as the gateway bounds its own (tokens, nesting,
 * then depth, aliases, selections…) before it is validated and judged; every reason it cannot be
 * judged is an entry of `errors`, never a thrown error, so tooling can show it beside the rest.
 */
export function operationAccess(prepared: ExplainableSupergraph, caller: Caller, query: string, operationName: string | null | undefined, bounds: OperationBounds): OperationAccess {
  const refused = (messages: readonly string[]): OperationAccess => ({ readable: false, denied: [], errors: messages.map(withoutSuggestions) });
  let document: DocumentNode;
  try {
    document = parseDocument(query, bounds.parse.maxTokens, bounds.parse.maxRecursion);
    const operation = selectOperation(document, operationName);
    const violation = firstViolation(measureOperation(document, operation), bounds.limits);
    if (violation) return refused([limitError(violation).message]);
  } catch (error) {
    // The parse stage's own refusals (tokens, nesting, syntax, no such operation); anything else is a fault.
    if (error instanceof HttpError) return refused([error.message]);
    throw error;
  }
  const invalid = validate(prepared.apiSchema, document, undefined, { maxErrors: MAX_REPORTED_ERRORS });
  if (invalid.length) return refused(invalid.map((e) => e.message));
  const denied = explainOperation(prepared, document, caller.principal, caller.policyResults, operationName ?? undefined);
  const fields = denied.map(({ path, coordinate, missing }) => ({ path, coordinate, ...inWords(missing) }));
  return { readable: fields.length === 0, denied: fields, errors: [] };
}

function inWords(missing: readonly MissingRequirement[]): { missing: string[]; details: MissingInWords[] } {
  const details = missing.map((m) => ({ requirement: requirementInPlainWords(m), because: m.because }));
  return { missing: [...new Set(details.map((d) => d.requirement))], details };
}

function unknownProduct(view: CatalogView, name: string): never {
  throw badInput(`product: no data product named "${name.slice(0, 100)}"; the catalog has ${view.products.map((p) => p.name).join(', ') || 'none'}`);
}
