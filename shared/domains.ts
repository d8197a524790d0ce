/**
 * The data products this repository ships. One list, read by the stack launcher, the
 * gateway's default configuration, the tests and the docker-compose check, so that a
 * domain is added in exactly one place.
 */
export interface DomainInfo {
  /** Subgraph name as it appears in the supergraph and in error messages. */
  readonly name: string;
  /** Folder under `subgraphs/`. */
  readonly dir: string;
  /** Prefix of the environment variables this domain's service reads, e.g. `INVENTORY_`. */
  readonly envPrefix: string;
  /** PostgreSQL schema that holds this domain's tables. */
  readonly dbSchema: string;
  /** Port the subgraph listens on unless `<PREFIX>PORT` says otherwise. */
  readonly defaultPort: number;
}

export const DOMAINS: readonly DomainInfo[] = [
  { name: 'inventory', dir: 'inventory', envPrefix: 'INVENTORY_', dbSchema: 'inventory', defaultPort: 4001 },
  { name: 'marketing', dir: 'marketing', envPrefix: 'MARKETING_', dbSchema: 'marketing', defaultPort: 4002 },
  {
    name: 'customer-service',
    dir: 'customer-service',
    envPrefix: 'CUSTOMER_SERVICE_',
    dbSchema: 'customer_service',
    defaultPort: 4003,
  },
];

export const GATEWAY_DEFAULT_PORT = 4000;

export function domainByName(name: string): DomainInfo {
  const domain = DOMAINS.find((d) => d.name === name);
  if (!domain) {
    throw new Error(`Unknown domain "${name}": expected one of ${DOMAINS.map((d) => d.name).join(', ')}`);
  }
  return domain;
}
