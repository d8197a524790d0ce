#!/usr/bin/env node
// The `meshgate` command. The CLI is TypeScript run from source, like every service of this
// repository: tsx's loader is registered first so that main.ts, and the data products `serve`
// imports, load without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
