/**
 * What do the worst operations that still pass the operation limits cost the gateway?
 *
 * Method: compose the demo supergraph from subgraphs/<domain>/schema.graphql, build its API schema
 * and Apollo's query planner in this process. For each family of hostile (or merely large) shapes,
 * the size parameter is grown to the largest value the limits still let through (binary search over
 * the parse stage's scan and the operation measures), then that document is timed `--runs` times
 * (each run a new operation name, so nothing is reused): parse stage (scan + parse + freeze), the
 * limits' measurement, graphql-js `validate` against the API schema, Meshgate's authorization
 * filter, and query planning (`operationFromDocument` + `buildQueryPlan`) when validation passes.
 * Each cell is the median CPU time of this process (user + system) and, in parentheses, the median
 * wall time: on a shared machine the two part, and CPU time is the cost the operation itself causes.
 *
 * The limits come from the same variables the gateway reads (OPERATION_MAX_*), so a candidate
 * default is measured by setting it:
 *
 *   npx tsx bench/limits-worst-case.ts [--runs 7] [--only <text in a family's name>]
 *   OPERATION_MAX_SELECTIONS=1500 npx tsx bench/limits-worst-case.ts
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Supergraph, operationFromDocument } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { composeContracts } from '../gateway/src/supergraph/compose-source.js';
import { prepareSupergraph, stripSupergraph } from '../gateway/src/supergraph/security-features.js';
import { authorizeOperation } from '../gateway/src/governance/authorize-operation.js';
import { loadOperationLimitsConfig } from '../gateway/src/limits/limits-config.js';
import { firstViolation, measureOperation } from '../gateway/src/limits/operation-limits.js';
import { parseDocument, selectOperation } from '../gateway/src/pipeline/parse.js';
import { HttpError } from '../shared/errors.js';
import { listDataProductFolders } from '../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../shared/paths.js';

// Files under bench/ resolve bench/node_modules first, which has its own graphql: the schema built
// by the product's packages must be validated with the product's copy, so it is loaded from the root.
const graphql = createRequire(join(REPO_ROOT, 'package.json'))('graphql') as typeof import('graphql');

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, only: { type: 'string' } } });
const RUNS = Number(values.runs);
/** `--only fragment`: the families whose name contains the text. */
const ONLY = values.only;
const config = loadOperationLimitsConfig();
const { maxTokens, maxRecursion } = config.parse;

const sdl = await composeContracts((await listDataProductFolders()).map((f) => ({ name: f.name, url: `http://127.0.0.1/${f.name}`, schemaPath: f.schemaPath })));
const prepared = prepareSupergraph(sdl);
const supergraph = Supergraph.build(stripSupergraph(sdl).plannerSdl);
const apiSchema = supergraph.apiSchema();
const planner = new QueryPlanner(supergraph);

/** A family of documents: `make(n, salt)` grows with `n`; `salt` renames the operation so runs share nothing. */
interface Family {
  name: string;
  make: (n: number, salt: number) => string;
  /** Largest `n` tried (the token limit usually stops the search first). */
  maxN: number;
  /** One document, not grown. */
  fixed?: boolean;
}

const CROSS_PRODUCT = 'sku name totalStock promotions { discountPercent campaign { name channel } } openTicketCount satisfactionScore';
const ids = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');

/** `products`, then `hops` alternating stockLevels / product levels below it, `perProduct` at every product. */
function deepProducts(hops: number, perProduct: string): string {
  // Built inside out; the innermost level is a StockLevel after an odd number of hops.
  let inner = hops % 2 === 1 ? 'quantity' : perProduct;
  for (let hop = hops; hop >= 1; hop--) inner = hop % 2 === 1 ? `${perProduct} stockLevels { ${inner} }` : `quantity product { ${inner} }`;
  return `products { ${inner} }`;
}

const FAMILIES: Family[] = [
  { name: 'one field repeated at one level', maxN: 20_000, make: (n, s) => `query Q${s} { ${'categories '.repeat(n)}}` },
  { name: 'same field, conflicting arguments (invalid)', maxN: 5000, make: (n, s) => `query Q${s} { ${ids(n, (i) => `products(limit: ${i}) { sku }`)} }` },
  { name: 'same field with a sub-selection, repeated', maxN: 5000, make: (n, s) => `query Q${s} { ${'product(id: "1") { sku name } '.repeat(n)}}` },
  { name: 'root aliases, each across 3 subgraphs', maxN: 1000, make: (n, s) => `query Q${s} { ${ids(n, (i) => `a${i}: products { ${CROSS_PRODUCT} }`)} }` },
  { name: 'nested aliases across subgraphs', maxN: 1000, make: (n, s) => `query Q${s} { products { ${ids(n, (i) => `a${i}: promotions { discountPercent campaign { name } } t${i}: openTicketCount`)} } }` },
  {
    name: 'every root field, across subgraphs',
    maxN: 1,
    fixed: true,
    make: (_n, s) =>
      `query Q${s} { products { ${CROSS_PRODUCT} } product(id: "1") { ${CROSS_PRODUCT} } warehouses { name } categories customer(id: "1") { name segments { name } tickets { subject product { ${CROSS_PRODUCT} } } } customers { name marketingConsent { grantedChannels } } tickets { subject product { ${CROSS_PRODUCT} } customer { segments { name } } } ticket(id: "1") { subject } campaigns { name promotions { product { ${CROSS_PRODUCT} } } } campaign(id: "1") { name } segments { name } segment(id: "1") { name } }`,
  },
  { name: 'deepest product.stockLevels chain', maxN: 500, make: (n, s) => `query Q${s} { ${deepProducts(n, 'sku')} }` },
  { name: 'deepest chain, 3 subgraphs per level', maxN: 500, make: (n, s) => `query Q${s} { ${deepProducts(n, CROSS_PRODUCT)} }` },
  {
    name: 'fragment chain (each spreads the previous)',
    maxN: 5000,
    make: (n, s) => `query Q${s} { products { ...P${n} } } fragment P0 on Product { sku } ${ids(n, (i) => `fragment P${i + 1} on Product { ...P${i} promotions { discountPercent } }`)}`,
  },
  {
    name: 'many fragments spread in one selection set',
    maxN: 5000,
    make: (n, s) => `query Q${s} { products { ${ids(n, (i) => `...P${i}`)} } } ${ids(n, (i) => `fragment P${i} on Product { sku name promotions { discountPercent } openTicketCount }`)}`,
  },
  {
    name: 'doubling fragments',
    maxN: 60,
    make: (n, s) => `query Q${s} { products { ...F${n} } } fragment F0 on Product { ${CROSS_PRODUCT} } ${ids(n, (i) => `fragment F${i + 1} on Product { ...F${i} ...F${i} }`)}`,
  },
  { name: 'inline fragments nested (no depth)', maxN: 5000, make: (n, s) => `query Q${s} { products { ${'... on Product { '.repeat(n)}sku openTicketCount${' }'.repeat(n)} } }` },
  {
    name: '@include conditions, one variable each',
    maxN: 5000,
    make: (n, s) => `query Q${s}(${ids(n, (i) => `$v${i}: Boolean!`)}) { products { sku ${ids(n, (i) => `... @include(if: $v${i}) { openTicketCount promotions { discountPercent } }`)} } }`,
  },
  {
    name: 'root aliases across subgraphs, own condition each',
    maxN: 1000,
    make: (n, s) => `query Q${s}(${ids(n, (i) => `$v${i}: Boolean!`)}) { ${ids(n, (i) => `a${i}: products @include(if: $v${i}) { ${CROSS_PRODUCT} }`)} }`,
  },
  { name: 'repeated directive on one node (invalid)', maxN: 5000, make: (n, s) => `query Q${s} { __typename${' @skip(if: false)'.repeat(n)} }` },
  { name: 'many operations, one selected', maxN: 5000, make: (n, s) => `query Q${s} { products { sku } } ${ids(n, (i) => `query O${i} { products { ${CROSS_PRODUCT} } }`)}` },
  {
    name: 'long list argument',
    maxN: 20_000,
    make: (n, s) => `mutation Q${s} { setMarketingConsent(customerId: "1", consents: [${ids(n, () => '{ channel: EMAIL, granted: true }')}]) { id } }`,
  },
  { name: 'deeply nested list value (invalid type)', maxN: 20_000, make: (n, s) => `query Q${s} { product(id: ${'['.repeat(n)}1${']'.repeat(n)}) { sku } }` },
  {
    name: 'standard introspection query (all options)',
    maxN: 1,
    fixed: true,
    make: (_n, s) =>
      graphql
        .getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })
        .replace('query IntrospectionQuery', `query Q${s}`),
  },
];

/** The reason the limits refuse `query`, or null when it passes every one. */
function refusal(query: string, operationName: string | null = 'Q0'): string | null {
  try {
    const document = parseDocument(query, maxTokens, maxRecursion);
    const violation = firstViolation(measureOperation(document, selectOperation(document, operationName)), config.limits);
    return violation ? violation.limit : null;
  } catch (error) {
    if (error instanceof HttpError) return error.code;
    throw error;
  }
}

/** The largest size the limits let through (they grow monotonically with it), and what stops the next one. */
function largestPassing(family: Family): { n: number; stoppedBy: string } | null {
  if (family.fixed) return refusal(family.make(1, 0)) === null ? { n: 1, stoppedBy: '-' } : null;
  if (refusal(family.make(1, 0)) !== null) return null;
  let lo = 1;
  let hi = family.maxN;
  if (refusal(family.make(hi, 0)) === null) return { n: hi, stoppedBy: `(search cap ${hi})` };
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (refusal(family.make(mid, 0)) === null) lo = mid;
    else hi = mid;
  }
  return { n: lo, stoppedBy: refusal(family.make(lo + 1, 0)) ?? '?' };
}

/** CPU time of this process (user + system) and wall time of one step, in ms. */
interface Sample {
  cpu: number;
  wall: number;
}

function measure<T>(samples: Sample[], step: () => T): T {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = step();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  samples.push({ cpu: (used.user + used.system) / 1000, wall });
  return result;
}

interface Timings {
  parse: Sample[];
  limits: Sample[];
  validate: Sample[];
  authorize: Sample[];
  plan: Sample[];
  errors: string;
  tokens: number;
  selections: number;
}

function time(family: Family, n: number): Timings {
  const t: Timings = { parse: [], limits: [], validate: [], authorize: [], plan: [], errors: '', tokens: 0, selections: 0 };
  for (let run = 1; run <= RUNS; run++) {
    const query = family.make(n, run);
    const name = `Q${run}`;
    const document = measure(t.parse, () => parseDocument(query, maxTokens, maxRecursion));
    const measures = measure(t.limits, () => measureOperation(document, selectOperation(document, name)));
    t.tokens = document.tokenCount ?? 0;
    t.selections = measures.selections;
    const errors = measure(t.validate, () => graphql.validate(prepared.apiSchema, document));
    t.errors = errors.length ? `${errors.length} error(s): ${errors[0].message.slice(0, 50)}` : '';
    if (errors.length) continue;
    // Nothing satisfied: the filter removes every guarded field, its most expensive path.
    measure(t.authorize, () => authorizeOperation(prepared.apiSchema, prepared.index, document, name, () => false));
    measure(t.plan, () => planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName: name })));
  }
  return t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
/** Median CPU time, and median wall time in parentheses when the machine's load makes them differ. */
const cell = (samples: Sample[]) => {
  if (!samples.length) return '-';
  const cpu = median(samples.map((s) => s.cpu));
  const wall = median(samples.map((s) => s.wall));
  return `${cpu.toFixed(1)} (${wall.toFixed(1)})`;
};

// Warm the JIT on ordinary operations first, so the first family is not charged for it.
for (let i = 0; i < 30; i++) time({ name: 'warm-up', maxN: 1, make: (_n, s) => `query Q${s} { w${i}: products { ${CROSS_PRODUCT} } }` }, 1);

const { limits } = config;
console.log(
  `Operation limits: tokens ${maxTokens}, recursion ${maxRecursion}, depth ${limits.maxDepth}, aliases ${limits.maxAliases}, root fields ${limits.maxRootFields}, directives ${limits.maxDirectives} per node / ${limits.maxTotalDirectives} in all, selections ${limits.maxSelections} (0 = off)`,
);
console.log(`Each row: the largest document of the family the limits let through; median CPU ms (median wall ms) of ${RUNS} runs; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores\n`);
const header = ['family', 'n', 'next refused by', 'tokens', 'selections', 'parse', 'limits', 'validate', 'authorize', 'plan', 'validation'];
const rows: string[][] = [];
for (const family of FAMILIES.filter((f) => !ONLY || f.name.includes(ONLY))) {
  const largest = largestPassing(family);
  if (!largest) {
    rows.push([family.name, '-', 'refused at n=1', '', '', '', '', '', '', '', '']);
    continue;
  }
  const t = time(family, largest.n);
  rows.push([family.name, String(largest.n), largest.stoppedBy, String(t.tokens), String(t.selections), cell(t.parse), cell(t.limits), cell(t.validate), cell(t.authorize), cell(t.plan), t.errors]);
}
const widths = header.map((_, c) => Math.max(...[header, ...rows].map((row) => row[c].length)));
const line = (row: string[]) => row.map((c, i) => (i === 0 || i === row.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const row of rows) console.log(line(row));

// The attack this stage exists for: how fast it is refused, without expanding a fragment.
const attack = `query { ...F25 } fragment F0 on Query { __typename } ${ids(25, (i) => `fragment F${i + 1} on Query { ...F${i} ...F${i} }`)}`;
const refusals: Sample[] = [];
let answer = '';
for (let run = 0; run < 200; run++) answer = measure(refusals, () => refusal(attack + ' '.repeat(run), null)) ?? 'passed';
console.log(`\nDoubling fragments F0..F25 (${attack.length} bytes), scan + parse + measure: ${answer} in ${cell(refusals)} ms (200 runs)`);
