import { ConfigError } from '../../../shared/config/env.js';
import { loadOperationLimitsConfig } from '../../src/limits/limits-config.js';
import { DEFAULT_OPERATION_LIMITS } from '../../src/limits/operation-limits.js';
import { DEFAULT_PARSE_OPTIONS } from '../../src/pipeline/parse.js';

describe('operation limits from the environment', () => {
  it('defaults to the documented values when nothing is set', () => {
    expect(loadOperationLimitsConfig({})).toEqual({ parse: DEFAULT_PARSE_OPTIONS, limits: DEFAULT_OPERATION_LIMITS });
  });

  it.each<[string, Record<string, string>, { parse?: object; limits?: object }]>([
    ['every variable set', {
      OPERATION_MAX_TOKENS: '5000',
      OPERATION_MAX_RECURSION: '100',
      OPERATION_MAX_DEPTH: '12',
      OPERATION_MAX_ALIASES: '5',
      OPERATION_MAX_ROOT_FIELDS: '3',
      OPERATION_MAX_DIRECTIVES: '4',
      OPERATION_MAX_TOTAL_DIRECTIVES: '8',
      OPERATION_MAX_SELECTIONS: '250',
    }, {
      parse: { maxTokens: 5000, maxRecursion: 100, cacheSize: DEFAULT_PARSE_OPTIONS.cacheSize },
      limits: { maxDepth: 12, maxAliases: 5, maxRootFields: 3, maxDirectives: 4, maxTotalDirectives: 8, maxSelections: 250 },
    }],
    ['0 disables a limit', { OPERATION_MAX_DEPTH: '0', OPERATION_MAX_TOKENS: '0' }, { parse: { maxTokens: 0 }, limits: { maxDepth: 0, maxAliases: DEFAULT_OPERATION_LIMITS.maxAliases } }],
    ['surrounding blanks are ignored', { OPERATION_MAX_ALIASES: ' 7 ' }, { limits: { maxAliases: 7 } }],
    ['an empty variable keeps the default', { OPERATION_MAX_SELECTIONS: '' }, { limits: { maxSelections: DEFAULT_OPERATION_LIMITS.maxSelections } }],
  ])('reads %s', (_name, env, expected) => {
    expect(loadOperationLimitsConfig(env)).toMatchObject(expected);
  });

  it.each<[string, string, string]>([
    ['OPERATION_MAX_DEPTH', '-1', 'OPERATION_MAX_DEPTH: expected a whole number, 0 or more (0 disables the limit) (got "-1")'],
    ['OPERATION_MAX_TOKENS', '1.5', 'OPERATION_MAX_TOKENS: expected a whole number, 0 or more (0 disables the limit) (got "1.5")'],
    ['OPERATION_MAX_ALIASES', 'many', 'OPERATION_MAX_ALIASES: expected a whole number, 0 or more (0 disables the limit) (got "many")'],
    ['OPERATION_MAX_RECURSION', 'Infinity', 'OPERATION_MAX_RECURSION: expected a whole number, 0 or more (0 disables the limit) (got "Infinity")'],
    ['OPERATION_MAX_ROOT_FIELDS', '1e400', 'OPERATION_MAX_ROOT_FIELDS: expected a whole number, 0 or more (0 disables the limit) (got "1e400")'],
    ['OPERATION_MAX_DIRECTIVES', '-0.5', 'OPERATION_MAX_DIRECTIVES: expected a whole number, 0 or more (0 disables the limit) (got "-0.5")'],
    ['OPERATION_MAX_TOTAL_DIRECTIVES', 'ten', 'OPERATION_MAX_TOTAL_DIRECTIVES: expected a whole number'],
    ['OPERATION_MAX_SELECTIONS', '10k', 'OPERATION_MAX_SELECTIONS: expected a whole number, 0 or more (0 disables the limit) (got "10k")'],
  ])('refuses %s=%s, naming the variable', (name, value, message) => {
    expect(() => loadOperationLimitsConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadOperationLimitsConfig({ [name]: value })).toThrow(message);
  });

  it('reports every wrong value at once', () => {
    const attempt = () => loadOperationLimitsConfig({ OPERATION_MAX_TOKENS: 'lots', OPERATION_MAX_DEPTH: '-3', OPERATION_MAX_SELECTIONS: '2.5', OPERATION_MAX_ALIASES: '30' });
    expect(attempt).toThrow(ConfigError);
    const problems = (() => {
      try {
        attempt();
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems.map((p) => p.split(':')[0])).toEqual(['OPERATION_MAX_TOKENS', 'OPERATION_MAX_DEPTH', 'OPERATION_MAX_SELECTIONS']);
  });
});
