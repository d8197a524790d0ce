# One image for every Meshgate service; docker-compose.yml picks the entry point per service.

# The catalog and the IDE (catalog/) are built in a stage of their own, with the dev dependencies
# (Vite, React, GraphiQL); the image below runs with --omit=dev and gets only the bundle.
FROM node:20-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY shared/paths.ts ./shared/paths.ts
COPY scripts/build-web.ts ./scripts/build-web.ts
COPY catalog ./catalog
RUN node --import tsx scripts/build-web.ts --force

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY tsconfig.json ./
COPY shared ./shared
COPY gateway ./gateway
COPY subgraphs ./subgraphs
COPY registry ./registry
COPY --from=web /app/catalog/dist ./catalog/dist
# The registry's embedded database lives here (a volume in docker-compose.yml): created owned by the
# user the services run as, so a fresh named volume takes that ownership.
RUN mkdir -p /app/data/registry && chown -R node:node /app/data
USER node
EXPOSE 4000 4001 4002 4003 4500
CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
