import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dbSchemaOf, envPrefixOf, readDataProductFolder } from '../../shared/dataproduct/folders.js';
import { REPO_ROOT } from '../../shared/paths.js';

/** The files `meshgate init` renders, with `{{placeholder}}`s. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../templates/data-product/', import.meta.url));

export const NAME_RULE =
  'lower-case letters and digits, words joined by single hyphens, starting with a letter, at most 40 characters (e.g. "pricing", "customer-service")';

// The name becomes a JavaScript identifier in the scaffold (`export const pricing = ...`), so it
// may not be a reserved word or one of the names the template itself imports.
const RESERVED = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum',
  'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import', 'in', 'instanceof', 'interface',
  'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'return', 'static', 'super', 'switch', 'this', 'throw',
  'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'arguments', 'eval', 'undefined',
  'resolvers', 'create-loaders', 'define-data-product', 'file-url-to-path',
]);

/** Why `name` cannot name a new data product, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) return `expected ${NAME_RULE}, got "${name}"`;
  if (RESERVED.has(name)) return `"${name}" is a reserved word in the generated code: choose another name`;
  return undefined;
}

/** The values the templates' placeholders take. */
export interface ScaffoldValues {
  /** `customer-service`: folder, subgraph and descriptor name. */
  name: string;
  /** `CustomerService`: GraphQL and TypeScript type names. */
  Name: string;
  /** `customerService`: the definition's export and field names. */
  camelName: string;
  /** `Customer Service`: prose. */
  title: string;
  /** `CUSTOMER_SERVICE_`: the process's variables. */
  envPrefix: string;
  /** `customer_service`: the PostgreSQL schema. */
  dbSchema: string;
  port: string;
  routingUrl: string;
  /** The repository root as a relative import path from the product's `src/` (`../../..` under subgraphs/). */
  repo: string;
}

export function scaffoldValues(name: string, port: number, productDir: string): ScaffoldValues {
  const words = name.split('-');
  const capitalized = words.map((word) => word[0].toUpperCase() + word.slice(1));
  // Imports are written with forward slashes on every platform; `src/`, `db/` and `test/` sit at the same depth.
  const repo = relative(join(productDir, 'src'), REPO_ROOT).split(sep).join('/') || '.';
  return {
    name,
    Name: capitalized.join(''),
    camelName: words[0] + capitalized.slice(1).join(''),
    title: capitalized.join(' '),
    envPrefix: envPrefixOf(name),
    dbSchema: dbSchemaOf(name),
    port: String(port),
    routingUrl: `http://127.0.0.1:${port}/graphql`,
    repo,
  };
}

/** Fills every `{{key}}`; a placeholder without a value is a bug in the template, so it throws. */
export function render(text: string, values: ScaffoldValues, file = 'template'): string {
  return text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`${file}: unknown placeholder ${match}: expected one of ${Object.keys(values).join(', ')}`);
    return values[key as keyof ScaffoldValues];
  });
}

// Ports other Meshgate services listen on by default, never handed to a data product.
const SERVICE_PORTS = new Set([4000, 4500]);
const FIRST_PORT = 4001;

/**
 * The default port of a new data product: one above the highest routingUrl port among the data
 * products in `parents`, so `npm start` can run it beside the others. Folders that cannot be read
 * are passed over (another team's broken descriptor must not stop a new product) and returned.
 */
export async function nextFreePort(parents: readonly string[]): Promise<{ port: number; skipped: string[] }> {
  const ports: number[] = [];
  const skipped: string[] = [];
  for (const parent of new Set(parents)) {
    if (!existsSync(parent)) continue;
    const entries = await readdir(parent, { withFileTypes: true });
    for (const entry of entries) {
      const dir = join(parent, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'dataproduct.yaml'))) continue;
      try {
        const folder = await readDataProductFolder(dir);
        if (folder.defaultPort !== undefined) ports.push(folder.defaultPort);
      } catch (error) {
        skipped.push(`${dir}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
  }
  let port = ports.length > 0 ? Math.max(...ports) + 1 : FIRST_PORT;
  while (SERVICE_PORTS.has(port)) port += 1;
  return { port, skipped };
}

/** Renders the template into `productDir` (which must not exist); resolves to the files written, relative to it. */
export async function scaffold(productDir: string, values: ScaffoldValues, templateDir: string = TEMPLATE_DIR): Promise<string[]> {
  const files = await listFiles(templateDir);
  // Render everything before writing anything, so a broken template leaves no half folder.
  const rendered = await Promise.all(
    files.map(async (file) => ({ file, text: render(await readFile(join(templateDir, file), 'utf8'), values, file) })),
  );
  // The sources are ES modules: the repository's package.json says so for subgraphs/, but a
  // folder elsewhere needs its own, or Node and tsx load them as CommonJS.
  if (!isInside(productDir, REPO_ROOT)) {
    rendered.push({ file: 'package.json', text: `${JSON.stringify({ name: values.name, private: true, type: 'module' }, null, 2)}\n` });
  }
  for (const { file, text } of rendered) {
    const target = join(productDir, file);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text, { flag: 'wx' });
  }
  return rendered.map(({ file }) => file);
}

function isInside(path: string, folder: string): boolean {
  const inside = relative(folder, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true });
  const files = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((entry) => (entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : Promise.resolve([join(prefix, entry.name)]))),
  );
  return files.flat();
}
