# syntax=docker/dockerfile:1
# kubesim in a container. Build and run:
#   docker build -t kubesim .
#   docker run -d --name kubesim -p 16443:6443 -e KUBESIM_ADVERTISE_URL=http://localhost:16443 -v kubesim-data:/data kubesim
#   docker cp kubesim:/data/kubeconfig ./kubeconfig && kubectl --kubeconfig ./kubeconfig get nodes
# Every flag of `kubesim start` has a KUBESIM_* environment variable (README: Command line); the defaults below make
# it listen on all interfaces and keep its state and kubeconfig in the /data volume.

# Build stage: install with the lockfile, compile the schemas and TypeScript, then drop the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
RUN npm ci --ignore-scripts
COPY openapi ./openapi
COPY src ./src
COPY bin ./bin
COPY scripts ./scripts
COPY fixtures ./fixtures
RUN npm run build && npm prune --omit=dev --ignore-scripts

# Runtime stage: Node and kubesim's compiled output, production dependencies and data files; nothing else.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    KUBESIM_HOST=0.0.0.0 \
    KUBESIM_PORT=6443 \
    KUBESIM_DATA_DIR=/data \
    KUBESIM_KUBECONFIG=/data/kubeconfig
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/openapi ./openapi
COPY fixtures ./fixtures
RUN mkdir -p /data && chown node:node /data
# The unprivileged user of the node images (uid 1000).
USER node
VOLUME ["/data"]
EXPOSE 6443
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KUBESIM_PORT||6443)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/kubesim.js"]
CMD ["start"]
