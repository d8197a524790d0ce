import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { badInput, MAX_PAGE_SIZE, pageArgs, parseId, requireId } from '../../../shared/subgraph/arguments.js';
import { DateTime } from '../../../shared/subgraph/scalars.js';
import { checkMayOpenTicketFor, checkMayResolveTickets, type AccessScope } from './access.js';
import type { CustomerServiceLoaders } from './loaders.js';
import type {
  CustomerRow,
  CustomerServiceStore,
  CustomerTier,
  TicketChannel,
  TicketPriority,
  TicketRow,
  TicketSlice,
  TicketStatus,
} from './store.js';

export interface CustomerServiceContext {
  /** Which rows the caller may see and what they may change (src/access.ts); the loaders are bound to it. */
  access: AccessScope;
  /** Every read goes through these, so that it is batched and restricted to the caller's rows. */
  loaders: CustomerServiceLoaders;
  /** Writes only. */
  store: CustomerServiceStore;
}

type Ctx = CustomerServiceContext;

/** Inventory owns products; this subgraph knows one only by its key. */
interface ProductRef {
  id: number;
}

export const MAX_SUBJECT_LENGTH = 200;

function ticketSlice(args: { status?: TicketStatus | null; limit?: number | null }): TicketSlice {
  const limit = args.limit ?? 20;
  if (limit < 1 || limit > MAX_PAGE_SIZE) throw badInput(`limit must be between 1 and ${MAX_PAGE_SIZE}, got ${limit}`, 'limit');
  return { status: args.status ?? null, limit };
}

function subjectOf(raw: string): string {
  const subject = raw.trim();
  if (subject === '') throw badInput('subject must say in a few words what the customer needs, got an empty string', 'subject');
  if (/[\r\n]/.test(subject)) throw badInput('subject must be one line, got a line break', 'subject');
  // Counted in code points, as PostgreSQL's char_length counts them.
  const length = [...subject].length;
  if (length > MAX_SUBJECT_LENGTH) {
    throw badInput(`subject must be at most ${MAX_SUBJECT_LENGTH} characters, got ${length}`, 'subject');
  }
  return subject;
}

function satisfactionOf(value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isInteger(value) || value < 1 || value > 5) {
    throw badInput(`satisfaction must be a whole number from 1 (poor) to 5 (excellent), got ${value}`, 'satisfaction');
  }
  return value;
}

export const resolvers: GraphQLResolverMap<Ctx> = {
  DateTime,
  Query: {
    customer: (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId(args.id);
      return id === null ? null : ctx.loaders.customerById.load(id);
    },
    customers: (_: unknown, args: { limit?: number; offset?: number; tier?: CustomerTier | null }, ctx: Ctx) =>
      ctx.loaders.listCustomers({ ...pageArgs(args.limit, args.offset), tier: args.tier }),
    tickets: (
      _: unknown,
      args: { status?: TicketStatus | null; priority?: TicketPriority | null; limit?: number; offset?: number },
      ctx: Ctx,
    ) => ctx.loaders.listTickets({ ...pageArgs(args.limit, args.offset), status: args.status, priority: args.priority }),
    ticket: (_: unknown, args: { id: string }, ctx: Ctx) => {
      const id = parseId(args.id);
      return id === null ? null : ctx.loaders.ticketById.load(id);
    },
  },
  Mutation: {
    openTicket: async (
      _: unknown,
      args: { customerId: string; productId?: string | null; subject: string; priority: TicketPriority; channel: TicketChannel },
      ctx: Ctx,
    ) => {
      // Every argument is checked before anything is written. Products belong to inventory, so
      // only the form of productId can be checked here, not that the product exists.
      const input = {
        customerId: requireId(args.customerId, 'customerId'),
        productId: args.productId == null ? null : requireId(args.productId, 'productId'),
        subject: subjectOf(args.subject),
        priority: args.priority,
        channel: args.channel,
      };
      checkMayOpenTicketFor(ctx.access, input.customerId);
      const result = await ctx.store.openTicket(input);
      if (!result.ok) throw badInput(`No customer with id "${args.customerId}"`, 'customerId');
      ctx.loaders.ticketChanged(result.ticket);
      return result.ticket;
    },
    resolveTicket: async (_: unknown, args: { ticketId: string; satisfaction?: number | null }, ctx: Ctx) => {
      checkMayResolveTickets(ctx.access);
      const input = { ticketId: requireId(args.ticketId, 'ticketId'), satisfaction: satisfactionOf(args.satisfaction) };
      const result = await ctx.store.resolveTicket(input);
      if (!result.ok) {
        switch (result.refusal) {
          case 'unknown-ticket':
            throw badInput(`No ticket with id "${args.ticketId}"`, 'ticketId');
          case 'already-resolved':
            throw badInput(
              `Ticket ${args.ticketId} is already ${result.status}: only an OPEN, IN_PROGRESS or WAITING_ON_CUSTOMER ticket can be resolved`,
              'ticketId',
            );
          default: {
            const unreachable: never = result;
            throw new Error(`unhandled refusal ${JSON.stringify(unreachable)}`);
          }
        }
      }
      ctx.loaders.ticketChanged(result.ticket);
      return result.ticket;
    },
  },
  Customer: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.customerById.load(id);
    },
    tickets: (customer: CustomerRow, args: { status?: TicketStatus | null; limit?: number | null }, ctx: Ctx) =>
      ctx.loaders.ticketsByCustomerId(ticketSlice(args)).load(customer.id),
  },
  SupportTicket: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => {
      const id = parseId(ref.id);
      return id === null ? null : ctx.loaders.ticketById.load(id);
    },
    product: (ticket: TicketRow): ProductRef | null => (ticket.productId === null ? null : { id: ticket.productId }),
    customer: (ticket: TicketRow, _: unknown, ctx: Ctx) => ctx.loaders.customerById.load(ticket.customerId),
  },
  Product: {
    // Whether the product exists is inventory's to say; any well-formed id is a product
    // reference whose tickets (possibly none) this subgraph can describe.
    __resolveReference: (ref: { id: string }): ProductRef | null => {
      const id = parseId(ref.id);
      return id === null ? null : { id };
    },
    // Aggregates over every customer's tickets, whoever asks: product-level statistics, not
    // personal data (see ticketStatsByProductId in src/loaders.ts).
    openTicketCount: async (product: ProductRef, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.ticketStatsByProductId.load(product.id))?.openTicketCount ?? 0,
    satisfactionScore: async (product: ProductRef, _: unknown, ctx: Ctx) =>
      (await ctx.loaders.ticketStatsByProductId.load(product.id))?.satisfactionScore ?? null,
    tickets: (product: ProductRef, args: { status?: TicketStatus | null; limit?: number | null }, ctx: Ctx) =>
      ctx.loaders.ticketsByProductId(ticketSlice(args)).load(product.id),
  },
};
