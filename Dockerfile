# syntax=docker/dockerfile:1
# Build stage: install with the lockfile and compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY openapi ./openapi
COPY bin ./bin
RUN npm ci && npm prune --omit=dev

# Runtime stage: only the compiled output, production dependencies and data files.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    KUBESIM_HOST=0.0.0.0 \
    KUBESIM_PORT=6443 \
    KUBESIM_DATA_DIR=/data \
    KUBESIM_KUBECONFIG=/data/kubeconfig
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/openapi ./openapi
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 6443
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.KUBESIM_PORT||6443)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/kubesim.js", "start"]
