/**
 * Knowledge collections as executors see them: documents cut into chunks, each with an
 * embedding and full-text index, searched by vector and by text. The server implements it over
 * Postgres + pgvector; the worker only knows this interface.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface KnowledgeStore {}
