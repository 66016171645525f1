# Breaks every rule of dockerfilePolicy once, in the order it reports them.
FROM golang AS build
ARG GITHUB_TOKEN
RUN go build -o /out/server ./cmd/server

FROM debian:latest
ENV JWT_SECRET=abc DATABASE_URL=postgres://u:p@db/x
COPY --from=build /out/server /server
USER root
