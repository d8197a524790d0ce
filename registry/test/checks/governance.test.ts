import { ConfigError } from '../../../shared/config/env.js';
import { checkGovernance } from '../../src/checks/governance.js';
import { parse } from 'graphql';
import type { Lifecycle } from '../../../shared/dataproduct/descriptor.js';
import { DEFAULT_LINT_CONFIG, loadLintConfig, type LintConfig, type LintRuleId } from '../../src/checks/lint-config.js';
import { lintSchema } from '../../src/checks/lint-rules.js';
import { CURRENT, PRODUCTS_SDL, REVIEWS_SDL, descriptorOf, edit, only, projected, publish, served, subgraph } from './fixtures.js';

/** The rules the platform holds every data product to: what the gateway enforces, and the schema lint rules. */

describe('security-features: a supergraph the gateway would refuse fails, with its reasons', () => {
  const supergraph = served();
  it.each([
    [
      'a SECURITY feature version the gateway does not know',
      supergraph.replace('https://specs.apollo.dev/requiresScopes/v0.1', 'https://specs.apollo.dev/requiresScopes/v0.2'),
      /unsupported SECURITY feature https:\/\/specs\.apollo\.dev\/requiresScopes\/v0\.2 \(version v0\.2\); Meshgate enforces authenticated\/v0\.1, requiresScopes\/v0\.1, policy\/v0\.1/,
    ],
    [
      'a SECURITY feature nobody supports',
      supergraph.replace('@link(url: "https://specs.apollo.dev/link/v1.0")', '@link(url: "https://specs.apollo.dev/link/v1.0")\n  @link(url: "https://example.com/geofence/v1.0", for: SECURITY)'),
      /unsupported SECURITY feature https:\/\/example\.com\/geofence\/v1\.0 \(stock @apollo\/gateway refuses it too\)/,
    ],
    [
      'a requirement that is not a list of lists',
      supergraph.replace('@requiresScopes(scopes: [["finance:read"]])', '@requiresScopes(scopes: ["finance:read"])'),
      /@requiresScopes on Product\.cost: expected scopes to be a list of lists of strings, but got ListValue/,
    ],
  ])('%s', (_, sdl, message) => {
    const { results, prepared } = checkGovernance(sdl, []);
    expect(results.map(({ severity, rule, coordinates }) => ({ severity, rule, coordinates }))).toEqual([
      { severity: 'error', rule: 'security-features', coordinates: [] },
    ]);
    expect(results[0].message).toMatch(/^the gateway would refuse this supergraph: /);
    expect(results[0].message).toMatch(message);
    expect(prepared).toBeUndefined();
  });

  it('accepts what the gateway accepts', () => {
    const { results, prepared } = checkGovernance(supergraph, []);
    expect(results).toEqual([]);
    expect(prepared?.index.fieldRequirements('Product', 'cost')).toHaveLength(1);
  });
});

describe('classified-restricted: every sensitive field carries an authorization directive', () => {
  const products = descriptorOf('products');
  const classify = (field: string, level: 'internal' | 'confidential' | 'restricted', categories: ('pii' | 'financial' | 'commercial')[]) =>
    descriptorOf('products', { classification: [...products.classification, { field, level, categories, reason: 'x' }] });
  it.each([
    ['the directive removed from a confidential field', { sdl: edit(PRODUCTS_SDL, [' @requiresScopes(scopes: [["finance:read"]])', '']) }, ['Product.cost']],
    ['a field newly classified confidential, unguarded', { descriptor: classify('Product.price', 'confidential', ['financial']) }, ['Product.price']],
    ['a field newly classified restricted, unguarded', { descriptor: classify('Product.price', 'restricted', ['commercial']) }, ['Product.price']],
    ['personal data at internal level, unguarded', { descriptor: classify('Product.name', 'internal', ['pii']) }, ['Product.name']],
    ['internal, not personal: no directive needed', { descriptor: classify('Product.name', 'internal', ['commercial']) }, []],
    [
      'guarded by a directive on its type',
      { sdl: edit(PRODUCTS_SDL, ['type Product @key(fields: "id")', 'type Product @key(fields: "id") @authenticated']), descriptor: classify('Product.price', 'restricted', ['commercial']) },
      [],
    ],
    [
      "another subgraph's unguarded field fails the publish too (the gateway would refuse the supergraph)",
      {
        current: [
          CURRENT[0],
          subgraph('reviews', REVIEWS_SDL, descriptorOf('reviews', { classification: [{ field: 'Review.stars', level: 'confidential', categories: ['commercial'], reason: 'x' }] })),
        ],
      },
      ['Review.stars'],
    ],
  ])('%s', async (_, change, coordinates) => {
    const report = await publish(change);
    expect(projected(report, 'classified-restricted')).toEqual(coordinates.map((c) => ({ severity: 'error', rule: 'classified-restricted', coordinates: [c] })));
    for (const r of only(report, 'classified-restricted')) {
      expect(r.message).toMatch(new RegExp(`^${r.coordinates[0].replace('.', '\\.')} is classified sensitive in \\w+'s dataproduct.yaml but carries no @authenticated, @requiresScopes or @policy`));
    }
  });
});

describe('lint rules', () => {
  // Pure over syntax trees: the table calls lintSchema itself; the last test shows runChecks reports them.
  const lint = (sdl: string, options: { lifecycle?: Lifecycle | null; lint?: Partial<LintConfig>; others?: string[]; owned?: string[] } = {}) =>
    lintSchema({
      candidate: parse(sdl),
      ...(options.owned ? { ownedEntities: options.owned } : {}),
      lifecycle: options.lifecycle === null ? undefined : (options.lifecycle ?? 'active'),
      others: (options.others ?? [REVIEWS_SDL]).map((other) => parse(other)),
      config: { ...DEFAULT_LINT_CONFIG, ...options.lint },
    });
  const undescribedCategory = edit(PRODUCTS_SDL, ['"A shelf of the shop."\n', '']);
  const undescribedName = edit(PRODUCTS_SDL, ['"Display name."\n', '']);
  const bareDeprecation = edit(PRODUCTS_SDL, ['name: String!', 'name: String! @deprecated']);
  it.each<[LintRuleId, string, string, Parameters<typeof lint>[1], [string, string[]][]]>([
    // type-descriptions: active products only, at its configured level
    ['type-descriptions', 'a type without a description', undescribedCategory, {}, [['error', ['Category']]]],
    ['type-descriptions', '... at level warning', undescribedCategory, { lint: { 'type-descriptions': 'warning' } }, [['warning', ['Category']]]],
    ['type-descriptions', '... turned off', undescribedCategory, { lint: { 'type-descriptions': 'off' } }, []],
    ['type-descriptions', '... of an experimental product', undescribedCategory, { lifecycle: 'experimental' }, []],
    ['type-descriptions', '... of a deprecated product', undescribedCategory, { lifecycle: 'deprecated' }, []],
    ['type-descriptions', '... of a product without lifecycle (experimental)', undescribedCategory, { lifecycle: null }, []],
    ['type-descriptions', 'a type another subgraph describes (an entity it extends)', REVIEWS_SDL, { others: [PRODUCTS_SDL] }, []],
    ['type-descriptions', '... not when no subgraph describes it', REVIEWS_SDL, { others: [] }, [['error', ['Product']]]],
    ['type-descriptions', "an entity its descriptor does not own, published before its owner", REVIEWS_SDL, { others: [], owned: ['Review'] }, []],
    ['type-descriptions', '... but an entity it owns needs one', REVIEWS_SDL, { others: [], owned: ['Review', 'Product'] }, [['error', ['Product']]]],
    ['type-descriptions', 'Query needs none (every subgraph shares it)', PRODUCTS_SDL, {}, []],
    ['type-descriptions', '... nor the root a schema definition names', `schema { query: Root }\ntype Root {\n  "x"\n  a: Int\n}`, {}, []],
    // field-descriptions
    ['field-descriptions', 'fields without a description, one result per type', edit(undescribedName, ['"List price in EUR."\n', '']), {}, [['warning', ['Product.name', 'Product.price']]]],
    ['field-descriptions', '... as an error', undescribedName, { lint: { 'field-descriptions': 'error' } }, [['error', ['Product.name']]]],
    ['field-descriptions', '... of an experimental product', undescribedName, { lifecycle: 'experimental' }, []],
    ['field-descriptions', 'a key field another subgraph describes', REVIEWS_SDL, { others: [PRODUCTS_SDL] }, []],
    ['field-descriptions', "the key field of an entity it does not own, published before its owner", REVIEWS_SDL, { others: [], owned: ['Review'] }, []],
    ['field-descriptions', 'an input field', `${PRODUCTS_SDL}\n"x"\ninput Filter {\n  name: String\n}\n`, {}, [['warning', ['Filter.name']]]],
    // deprecation-reason: every product
    ['deprecation-reason', '@deprecated alone', bareDeprecation, { lifecycle: 'experimental' }, [['error', ['Product.name']]]],
    ['deprecation-reason', 'an empty reason', edit(PRODUCTS_SDL, ['name: String!', 'name: String! @deprecated(reason: " ")']), {}, [['error', ['Product.name']]]],
    ['deprecation-reason', 'on an enum value', edit(PRODUCTS_SDL, ['GAMES', 'GAMES @deprecated']), {}, [['error', ['Category.GAMES']]]],
    ['deprecation-reason', 'on an argument', edit(PRODUCTS_SDL, ['category: Category)', 'category: Category @deprecated)']), {}, [['error', ['Query.products.category']]]],
    ['deprecation-reason', 'with a reason', edit(PRODUCTS_SDL, ['name: String!', 'name: String! @deprecated(reason: "Use title.")']), {}, []],
    ['deprecation-reason', 'turned off', bareDeprecation, { lint: { 'deprecation-reason': 'off' } }, []],
    // naming
    ['naming', 'a type not in PascalCase', `${PRODUCTS_SDL}\n"x"\ntype stock_level {\n  "x"\n  quantity: Int\n}\n`, {}, [['warning', ['stock_level']]]],
    ['naming', 'a field not in camelCase', edit(PRODUCTS_SDL, ['name: String!', 'Display_Name: String!']), {}, [['warning', ['Product.Display_Name']]]],
    ['naming', 'an enum value not in UPPER_CASE', edit(PRODUCTS_SDL, ['GAMES', 'boardGames']), {}, [['warning', ['Category.boardGames']]]],
    ['naming', '... as an error', edit(PRODUCTS_SDL, ['GAMES', 'boardGames']), { lint: { naming: 'error' } }, [['error', ['Category.boardGames']]]],
    ['naming', '... turned off', edit(PRODUCTS_SDL, ['GAMES', 'boardGames']), { lint: { naming: 'off' } }, []],
    ['naming', 'names that follow the conventions', PRODUCTS_SDL, {}, []],
  ])('%s: %s', (rule, _, sdl, options, expected) => {
    const results = lint(sdl, options).filter((r) => r.rule === `lint:${rule}`);
    expect(results.map(({ severity, rule: id, coordinates }) => ({ severity, rule: id, coordinates }))).toEqual(
      expected.map(([severity, coordinates]) => ({ severity, rule: `lint:${rule}`, coordinates })),
    );
  });

  it('runChecks reports them, saying what to do', async () => {
    const report = await publish({ sdl: edit(PRODUCTS_SDL, ['"A shelf of the shop."\n', ''], ['name: String!', 'name: String! @deprecated'], ['GAMES', 'boardGames']) });
    expect(report.results.filter((r) => r.rule.startsWith('lint:')).map((r) => [r.severity, r.message])).toEqual([
      ['error', 'type Category has no description; an active data product describes every type ("""…""" above it)'],
      ['error', 'Product.name is @deprecated without a reason; say why and what to use instead: @deprecated(reason: "Use … instead")'],
      ['warning', 'enum value Category.boardGames: expected an UPPER_CASE name (e.g. BOARD_GAMES)'],
    ]);
    expect(report.ok).toBe(false);
  });

  it('runChecks reads the lifecycle from the candidate descriptor', async () => {
    const report = await publish({ sdl: undescribedCategory, descriptor: descriptorOf('products', { lifecycle: 'experimental' }) });
    expect(report.results.filter((r) => r.rule.startsWith('lint:'))).toEqual([]);
  });
});

describe('loadLintConfig (REGISTRY_LINT_RULES)', () => {
  it.each([
    ['unset', undefined, DEFAULT_LINT_CONFIG],
    ['empty', ' ', DEFAULT_LINT_CONFIG],
    ['one rule', 'field-descriptions=off', { ...DEFAULT_LINT_CONFIG, 'field-descriptions': 'off' }],
    ['several, with blanks', ' naming = error , type-descriptions=warning,', { ...DEFAULT_LINT_CONFIG, naming: 'error', 'type-descriptions': 'warning' }],
  ])('%s', (_, value, expected) => {
    expect(loadLintConfig({ REGISTRY_LINT_RULES: value })).toEqual(expected);
  });

  it.each([
    ['an unknown rule', 'descriptions=error', ['REGISTRY_LINT_RULES: unknown lint rule "descriptions", expected one of type-descriptions, field-descriptions, deprecation-reason, naming (got "descriptions=error")']],
    ['an unknown level', 'naming=fatal', ['REGISTRY_LINT_RULES: expected naming=error|warning|off, got level "fatal" (got "naming=fatal")']],
    ['no level', 'naming', ['REGISTRY_LINT_RULES: expected naming=error|warning|off, got no level (got "naming")']],
    [
      'every problem at once',
      'naming=loud,foo=off,field-descriptions=off',
      [
        'REGISTRY_LINT_RULES: expected naming=error|warning|off, got level "loud" (got "naming=loud")',
        'REGISTRY_LINT_RULES: unknown lint rule "foo", expected one of type-descriptions, field-descriptions, deprecation-reason, naming (got "foo=off")',
      ],
    ],
  ])('refuses %s', (_, value, problems) => {
    let thrown: unknown;
    try {
      loadLintConfig({ REGISTRY_LINT_RULES: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).problems).toEqual(problems);
  });
});
