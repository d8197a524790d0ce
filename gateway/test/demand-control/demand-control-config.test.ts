import { ConfigError } from '../../../shared/config/env.js';
import { loadDemandControlConfig, type DemandControlConfig } from '../../src/demand-control/demand-control-config.js';

describe('demand control configuration', () => {
  it.each<[string, Record<string, string>, DemandControlConfig]>([
    ['nothing set: enforce 5000, lists of 10', {}, { mode: 'enforce', maxCost: 5000, defaultListSize: 10 }],
    ['empty values: the defaults', { COST_MODE: '', COST_MAX: ' ', COST_DEFAULT_LIST_SIZE: '' }, { mode: 'enforce', maxCost: 5000, defaultListSize: 10 }],
    ['measure', { COST_MODE: 'measure' }, { mode: 'measure', maxCost: 5000, defaultListSize: 10 }],
    ['off', { COST_MODE: 'off', COST_MAX: '100' }, { mode: 'off' }],
    ['a maximum and a list size', { COST_MODE: 'enforce', COST_MAX: ' 12000 ', COST_DEFAULT_LIST_SIZE: '25' }, { mode: 'enforce', maxCost: 12000, defaultListSize: 25 }],
  ])('%s', (_name, env, expected) => {
    expect(loadDemandControlConfig(env)).toEqual(expected);
  });

  const MODE = 'COST_MODE: expected enforce, measure or off';
  const MAX = 'COST_MAX: expected a positive whole number';
  const LIST = 'COST_DEFAULT_LIST_SIZE: expected a positive whole number';
  it.each<[Record<string, string>, string[]]>([
    [{ COST_MODE: 'strict' }, [`${MODE} (got "strict")`]],
    [{ COST_MODE: 'ENFORCE' }, [`${MODE} (got "ENFORCE")`]],
    [{ COST_MAX: 'lots' }, [`${MAX} (got "lots")`]],
    [{ COST_MAX: '0' }, [`${MAX} (got "0")`]],
    [{ COST_MAX: '-5' }, [`${MAX} (got "-5")`]],
    [{ COST_MAX: '2.5' }, [`${MAX} (got "2.5")`]],
    [{ COST_MAX: 'Infinity' }, [`${MAX} (got "Infinity")`]],
    [{ COST_DEFAULT_LIST_SIZE: '0' }, [`${LIST} (got "0")`]],
    [{ COST_DEFAULT_LIST_SIZE: 'ten' }, [`${LIST} (got "ten")`]],
    // Checked in every mode: turning demand control on later cannot reveal an old typo.
    [{ COST_MODE: 'off', COST_MAX: 'lots' }, [`${MAX} (got "lots")`]],
    [
      { COST_MODE: 'strict', COST_MAX: '0' },
      [`${MODE} (got "strict")`, `${MAX} (got "0")`],
    ],
  ])('refuses %j, naming every wrong variable', (env, problems) => {
    let error: unknown;
    try {
      loadDemandControlConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(problems);
  });
});
