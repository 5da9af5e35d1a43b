# cocrea: a container image for the server (pages, socket.io and /yjs on one port).
# Build:  docker build -t cocrea .
# Run:    docker run -p 3000:3000 -v cocrea-data:/data cocrea
# See compose.yaml for the same behind a TLS reverse proxy, and the README ("Operating cocrea").

# 1. Build the app (SvelteKit's handler in build/, the server bundle in dist/).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# 2. Production dependencies only (the server bundle keeps packages external).
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. The runtime: no compiler, no dev dependency, no source; runs as the image's `node` user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/build ./build
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /healthz answers 200 while the process serves (no secret, no rate limit from loopback).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) drains gracefully: see the README.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
