# docnotify worker and web server image (one image, two commands).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
# dist/ holds the prebuilt workflow bundle (dist/workflows.bundle.js): the worker does not bundle at start.
COPY --from=build /app/dist ./dist
COPY templates ./templates
# The worker's heap and cache are sized for 10,000 open documents in 512 MB (docs/scaling.md).
ENV NODE_OPTIONS=--max-old-space-size=256
USER node
CMD ["node", "dist/cli/main.js", "worker"]
