/**
 * Jest runs the TypeScript sources as native ESM (the package is "type": "module"),
 * transformed by SWC. `npm test` sets NODE_OPTIONS=--experimental-vm-modules, which
 * both ESM-in-jest and PGlite's dynamic WASM import need.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  // Sources import siblings as './x.js' (NodeNext style); jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/**/*.test.ts'],
  // cli/templates holds the files `meshgate init` renders: not runnable before their placeholders are filled.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/bench/', '<rootDir>/data/', '<rootDir>/cli/templates/'],
  testTimeout: 60_000,
};
