# One image for every Meshgate service; docker-compose.yml picks the entry point per service.
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
# The registry's embedded database lives here (a volume in docker-compose.yml): created owned by the
# user the services run as, so a fresh named volume takes that ownership.
RUN mkdir -p /app/data/registry && chown -R node:node /app/data
USER node
EXPOSE 4000 4001 4002 4003 4500
CMD ["node", "--import", "tsx", "gateway/src/main.ts"]
