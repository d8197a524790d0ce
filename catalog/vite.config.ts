import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The catalog and the IDE, two pages of one bundle under /catalog/ (the gateway serves catalog/dist
 * there, and catalog/dist/graphiql.html at a browser's GET /graphql). `npm run build:web` builds it
 * (scripts/build-web.ts); `npx vite catalog` serves it for development against a gateway on :4000.
 */
const root = fileURLToPath(new URL('.', import.meta.url));
const gateway = process.env.CATALOG_DEV_GATEWAY ?? 'http://127.0.0.1:4000';

export default defineConfig({
  root,
  base: '/catalog/',
  // @vitejs/plugin-react is not needed: Vite's own oxc transform compiles TSX with React's automatic runtime.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Source maps would double what the gateway ships, for a UI nobody debugs in production.
    sourcemap: false,
    // GraphiQL (CodeMirror, its embedded fonts) is large by nature; it is a page of its own.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      input: { catalog: `${root}index.html`, graphiql: `${root}graphiql.html` },
      // React is shared by both pages: one chunk, cached once.
      output: { codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] } },
      onwarn(warning, warn) {
        // GraphiQL's dependencies mark themselves "use client" (React Server Components): meaningless in a browser bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/graphql': gateway, '/catalog/graphql': gateway },
  },
});
