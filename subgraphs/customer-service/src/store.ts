import type { Database, Queryable } from '../../../shared/db/database.js';

export type CustomerTier = 'STANDARD' | 'SILVER' | 'GOLD' | 'PLATINUM';
export type TicketStatus = 'OPEN' | 'IN_PROGRESS' | 'WAITING_ON_CUSTOMER' | 'RESOLVED' | 'CLOSED';
export type TicketPriority = 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';
export type TicketChannel = 'EMAIL' | 'PHONE' | 'CHAT' | 'WEB';

/** A ticket in one of these is done with: it no longer counts as open and cannot be resolved again. */
export const RESOLVED_STATUSES: readonly TicketStatus[] = ['RESOLVED', 'CLOSED'];

/** Rows as the resolvers see them: camelCase, numbers as numbers, instants as Dates. */
export interface CustomerRow {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  tier: CustomerTier;
  createdAt: Date;
}

export interface TicketRow {
  id: number;
  customerId: number;
  /** Inventory's product id; null when the ticket is not about one product. */
  productId: number | null;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  channel: TicketChannel;
  openedAt: Date;
  resolvedAt: Date | null;
  satisfaction: number | null;
}

/** What customer service knows about one product; a product without tickets has no row. */
export interface ProductTicketStatsRow {
  productId: number;
  openTicketCount: number;
  ratedTicketCount: number;
  /** Average rating of the rated tickets; null when none was rated. */
  satisfactionScore: number | null;
}

export interface CustomerFilter {
  limit: number;
  offset: number;
  tier?: CustomerTier | null;
}

export interface TicketFilter {
  limit: number;
  offset: number;
  status?: TicketStatus | null;
  priority?: TicketPriority | null;
}

/** Which of one owner's tickets to fetch: the newest `limit`, optionally of one status. */
export interface TicketSlice {
  status?: TicketStatus | null;
  limit: number;
}

/**
 * Which rows a read may return, as the access rule (src/access.ts) decided for the request: `{}`
 * every row, `{ customerId }` only that customer's own row and tickets. Every read takes one, so
 * no read can forget it; it becomes one more condition in the same single statement.
 */
export interface RowFilter {
  customerId?: number;
}

/** No restriction: staff, and tests of the SQL itself. */
export const EVERY_ROW: RowFilter = Object.freeze({});

export interface OpenTicketInput {
  customerId: number;
  productId: number | null;
  subject: string;
  priority: TicketPriority;
  channel: TicketChannel;
}

export interface ResolveTicketInput {
  ticketId: number;
  satisfaction: number | null;
}

/** Why a mutation could not be made, for the resolver to phrase as a GraphQL error. */
export type TicketRefusal =
  | { ok: false; refusal: 'unknown-customer' }
  | { ok: false; refusal: 'unknown-ticket' }
  | { ok: false; refusal: 'already-resolved'; status: TicketStatus };

/** Everything customer service reads and writes, as SQL. Only the loaders and mutations call it. */
export interface CustomerServiceStore {
  listCustomers(filter: CustomerFilter, rows: RowFilter): Promise<CustomerRow[]>;
  customersByIds(ids: readonly number[], rows: RowFilter): Promise<CustomerRow[]>;
  /** Tickets newest first. */
  listTickets(filter: TicketFilter, rows: RowFilter): Promise<TicketRow[]>;
  ticketsByIds(ids: readonly number[], rows: RowFilter): Promise<TicketRow[]>;
  /** The newest tickets of each customer, grouped by customer, newest first within each. */
  ticketsByCustomerIds(ids: readonly number[], slice: TicketSlice, rows: RowFilter): Promise<TicketRow[]>;
  /** The newest tickets about each product, grouped by product, newest first within each. */
  ticketsByProductIds(ids: readonly number[], slice: TicketSlice, rows: RowFilter): Promise<TicketRow[]>;
  /**
   * Open-ticket count and satisfaction per product, in one aggregate statement. Takes no
   * RowFilter: these are product-level statistics over everyone's tickets, not personal data.
   */
  ticketStatsByProductIds(ids: readonly number[]): Promise<ProductTicketStatsRow[]>;
  openTicket(input: OpenTicketInput): Promise<{ ok: true; ticket: TicketRow } | Extract<TicketRefusal, { refusal: 'unknown-customer' }>>;
  resolveTicket(
    input: ResolveTicketInput,
  ): Promise<{ ok: true; ticket: TicketRow } | Exclude<TicketRefusal, { refusal: 'unknown-customer' }>>;
}

const CUSTOMER_COLUMNS = `id, name, email, phone, tier, created_at AS "createdAt"`;
const TICKET_COLUMNS = `id, customer_id AS "customerId", product_id AS "productId", subject, status, priority, channel,
  opened_at AS "openedAt", resolved_at AS "resolvedAt", satisfaction::int AS satisfaction`;
const RESOLVED_SQL = RESOLVED_STATUSES.map((s) => `'${s}'`).join(', ');

export function createCustomerServiceStore(db: Database): CustomerServiceStore {
  /**
   * The newest `limit` tickets of each key, as ONE statement: a lateral top-N per key walks the
   * (owner, opened_at DESC) index, so its cost follows what is returned, not the owner's history.
   * A customer's RowFilter adds `customer_id = $n` inside the lateral: still one statement (for a
   * product, the walk then covers that product's tickets, a few dozen, to keep the caller's).
   */
  const newestPerOwner = (column: 'customer_id' | 'product_id', ids: readonly number[], { status, limit }: TicketSlice, rows: RowFilter) => {
    const params: unknown[] = [ids, limit];
    let filters = '';
    if (status != null) {
      params.push(status);
      filters += ` AND status = $${params.length}`;
    }
    if (rows.customerId !== undefined) {
      params.push(rows.customerId);
      filters += ` AND customer_id = $${params.length}`;
    }
    return db.query<TicketRow>(
      `SELECT t.* FROM unnest($1::int[]) AS k(key)
       CROSS JOIN LATERAL (
         SELECT ${TICKET_COLUMNS} FROM tickets
         WHERE ${column} = k.key${filters}
         ORDER BY opened_at DESC, id DESC LIMIT $2
       ) t
       ORDER BY k.key, t."openedAt" DESC, t.id DESC`,
      params,
    );
  };

  return {
    listCustomers: ({ limit, offset, tier }, rows) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (tier != null) {
        params.push(tier);
        where.push(`tier = $${params.length}`);
      }
      if (rows.customerId !== undefined) {
        params.push(rows.customerId);
        where.push(`id = $${params.length}`);
      }
      params.push(limit, offset);
      return db.query<CustomerRow>(
        `SELECT ${CUSTOMER_COLUMNS} FROM customers ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY id LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      );
    },
    customersByIds: (ids, rows) =>
      rows.customerId === undefined
        ? db.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($1::int[])`, [ids])
        : db.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = ANY($1::int[]) AND id = $2`, [ids, rows.customerId]),
    listTickets: ({ limit, offset, status, priority }, rows) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (rows.customerId !== undefined) {
        params.push(rows.customerId);
        where.push(`customer_id = $${params.length}`);
      }
      if (status != null) {
        params.push(status);
        where.push(`status = $${params.length}`);
      }
      if (priority != null) {
        params.push(priority);
        where.push(`priority = $${params.length}`);
      }
      params.push(limit, offset);
      return db.query<TicketRow>(
        `SELECT ${TICKET_COLUMNS} FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY opened_at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
        params,
      );
    },
    ticketsByIds: (ids, rows) =>
      rows.customerId === undefined
        ? db.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ANY($1::int[])`, [ids])
        : db.query<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE id = ANY($1::int[]) AND customer_id = $2`, [ids, rows.customerId]),
    ticketsByCustomerIds: (ids, slice, rows) => newestPerOwner('customer_id', ids, slice, rows),
    ticketsByProductIds: (ids, slice, rows) => newestPerOwner('product_id', ids, slice, rows),
    ticketStatsByProductIds: (ids) =>
      db.query<ProductTicketStatsRow>(
        `SELECT product_id AS "productId",
                (count(*) FILTER (WHERE status NOT IN (${RESOLVED_SQL})))::int AS "openTicketCount",
                count(satisfaction)::int AS "ratedTicketCount",
                avg(satisfaction)::float8 AS "satisfactionScore"
         FROM tickets WHERE product_id = ANY($1::int[]) GROUP BY product_id`,
        [ids],
      ),
    openTicket: (input) => db.transaction((tx) => openTicket(tx, input)),
    resolveTicket: (input) => db.transaction((tx) => resolveTicket(tx, input)),
  };
}

async function openTicket(tx: Queryable, input: OpenTicketInput) {
  // Asking first turns an unknown customer into a refusal rather than a foreign-key violation.
  const [customer] = await tx.query('SELECT 1 FROM customers WHERE id = $1 FOR SHARE', [input.customerId]);
  if (!customer) return { ok: false as const, refusal: 'unknown-customer' as const };
  const [ticket] = await tx.query<TicketRow>(
    `INSERT INTO tickets (customer_id, product_id, subject, status, priority, channel)
     VALUES ($1, $2, $3, 'OPEN', $4, $5) RETURNING ${TICKET_COLUMNS}`,
    [input.customerId, input.productId, input.subject, input.priority, input.channel],
  );
  return { ok: true as const, ticket };
}

async function resolveTicket(tx: Queryable, input: ResolveTicketInput) {
  // The row lock makes two concurrent resolutions of one ticket apply one after the other, so
  // the second sees RESOLVED and is refused instead of overwriting the first one's rating.
  const [current] = await tx.query<{ status: TicketStatus }>('SELECT status FROM tickets WHERE id = $1 FOR UPDATE', [input.ticketId]);
  if (!current) return { ok: false as const, refusal: 'unknown-ticket' as const };
  if (RESOLVED_STATUSES.includes(current.status)) {
    return { ok: false as const, refusal: 'already-resolved' as const, status: current.status };
  }
  // greatest(): a ticket opened "in the future" of this server's clock (skewed clocks, demo
  // data dated ahead) still gets a resolution time that does not precede its opening.
  const [ticket] = await tx.query<TicketRow>(
    `UPDATE tickets SET status = 'RESOLVED', resolved_at = greatest(now(), opened_at), satisfaction = $2
     WHERE id = $1 RETURNING ${TICKET_COLUMNS}`,
    [input.ticketId, input.satisfaction],
  );
  return { ok: true as const, ticket };
}
