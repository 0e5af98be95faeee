# syntax=docker/dockerfile:1
# openclaw-slack-ops: build with `docker build -t openclaw-slack-ops .`, run with
#   docker run --env-file .env -v openclaw-slack-ops:/data -p 3000:3000 openclaw-slack-ops
# scripts/prove-docker-runtime.sh replays the runtime stage's steps without a Docker engine.

# --- build: compile TypeScript, then drop dev dependencies ---------------------------------------------
FROM node:24-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary when one matches; otherwise node-gyp compiles it from source.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime: same base image as the build, so the native addon's ABI matches -----------------------
FROM node:24-slim AS runtime
ENV NODE_ENV=production STATE_DIR=/data PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY manifest.yml ./manifest.yml
# Device identity and pairing state live in /data; created before VOLUME so the volume starts owned by node.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
EXPOSE 3000
# /healthz answers 200 while the process serves HTTP, even when the gateway is down (/readyz reports that).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
USER node
# Exec form: node is PID 1 and receives SIGTERM directly; main.ts stops the bot and exits 0.
CMD ["node", "dist/main.js"]
