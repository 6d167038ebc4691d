import { useId, useState, type FormEvent } from 'react';
import {
  deleteCollection,
  deleteDocument,
  getCollection,
  ingestDocuments,
  listChunks,
  listDocuments,
  searchCollection,
  type Chunk,
  type DocumentUpload,
  type KnowledgeDocument,
  type SearchAnswer,
} from '../api/operators';
import { useResource } from '../api/useResource';
import { Link } from '../Link';
import { ConfirmDialog } from '../operators/ConfirmDialog';
import { readDocument } from '../operators/documents';
import { ErrorNotice } from '../operators/ErrorNotice';
import { can } from '../operators/nav';
import { useAction } from '../operators/useAction';
import { navigate, pathFor } from '../router';
import { useRole } from '../store/me-store';
import { Time } from '../Time';
import { LoadError } from './LoadError';
import { Loaded } from './Loaded';
import './pages.css';

/** One knowledge collection: upload documents, read their chunks, try a search. */
export function CollectionPage({ id: name }: { readonly id: string }) {
  const collection = useResource(`collection:${name}`, (signal) => getCollection(name, { signal }));
  const [version, setVersion] = useState(0);
  const documents = useResource(`documents:${name}:${version}`, (signal) => listDocuments(name, { signal }));
  const role = useRole();
  const mayEdit = role !== null && can.editKnowledge(role);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const remove = useAction();
  const changed = () => {
    setVersion((v) => v + 1);
    collection.reload();
  };

  async function removeCollection() {
    const ok = await remove.run(() => deleteCollection(name));
    setConfirmDelete(false);
    if (ok) navigate(pathFor({ name: 'collections' }));
  }

  const c = collection.resource;
  return (
    <div className="page">
      <title>{`${name} · Knowledge · Weft`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={pathFor({ name: 'collections' })}>Knowledge</Link>
      </nav>
      <div className="page-head">
        <h1>{name}</h1>
        {mayEdit && (
          <button type="button" className="button" onClick={() => setConfirmDelete(true)}>
            Delete collection
          </button>
        )}
      </div>
      <ErrorNotice error={remove.error} />
      {c.state === 'error' && <LoadError what="the collection" error={c.error} onRetry={collection.reload} />}
      <p className="muted" style={{ minHeight: '1.5em' }}>
        {c.state === 'ready' && (
          <>
            {c.data.documents} documents · {c.data.chunks} chunks · embedder <code>{c.data.embedder}</code>
            {!c.data.vectors && ' · full-text search only (no pgvector)'}
          </>
        )}
      </p>
      {mayEdit && <Upload name={name} onIngested={changed} />}
      <Search name={name} />
      <section className="section" aria-labelledby="documents">
        <h2 id="documents">Documents</h2>
        <Loaded resource={documents.resource} what="documents" onRetry={documents.reload} empty="No documents yet.">
          {(docs) => (
            <ul className="plain-list doc-list">
              {docs.map((d) => (
                <li key={d.id}>
                  <DocumentRow collection={name} document={d} mayEdit={mayEdit} onDeleted={changed} />
                </li>
              ))}
            </ul>
          )}
        </Loaded>
      </section>
      <ConfirmDialog open={confirmDelete} title="Delete this collection?" confirmLabel="Delete collection" busy={remove.pending} onConfirm={() => void removeCollection()} onCancel={() => setConfirmDelete(false)}>
        <p>
          <strong>{name}</strong> and all its documents are removed. Workflows searching it will fail.
        </p>
      </ConfirmDialog>
    </div>
  );
}

function Upload({ name, onIngested }: { readonly name: string; readonly onIngested: () => void }) {
  const [files, setFiles] = useState<File[]>([]);
  const [result, setResult] = useState('');
  const { pending, error, run } = useAction();
  const ids = { files: useId(), hint: useId() };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const ok = await run(async () => {
      const docs = (await Promise.all(files.map(readDocument))) as DocumentUpload[];
      const answer = await ingestDocuments(name, docs);
      setResult(`Added ${answer.documents} documents in ${answer.chunks} chunks${answer.embedded ? '' : ' (not embedded: full-text search only)'}.`);
    });
    if (ok) {
      form.reset();
      setFiles([]);
      onIngested();
    }
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="upload" noValidate>
      <h2 id="upload">Add documents</h2>
      <div className="field">
        <label htmlFor={ids.files}>Files</label>
        <input id={ids.files} type="file" multiple accept=".txt,.md,.markdown,.html,.htm,.pdf" onChange={(e) => setFiles([...(e.target.files ?? [])])} aria-describedby={ids.hint} />
        <p id={ids.hint} className="hint">
          .txt, .md and .html are read as text; .pdf is sent as it is.
        </p>
      </div>
      <ErrorNotice error={error} />
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={pending || files.length === 0} aria-busy={pending || undefined}>
          Upload {files.length > 0 ? `${files.length} file${files.length > 1 ? 's' : ''}` : ''}
        </button>
        <span role="status" className="muted">
          {result}
        </span>
      </div>
    </form>
  );
}

function Search({ name }: { readonly name: string }) {
  const [query, setQuery] = useState('');
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const { pending, error, run } = useAction();
  const ids = { query: useId() };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    await run(async () => setAnswer(await searchCollection(name, query, 5)));
  }

  return (
    <section className="card form section" aria-labelledby="search">
      <h2 id="search">Try a search</h2>
      <form onSubmit={(e) => void submit(e)} role="search" aria-labelledby="search">
        <div className="field">
          <label htmlFor={ids.query}>Query</label>
          <input id={ids.query} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={pending || query.trim() === ''} aria-busy={pending || undefined}>
          Search
        </button>
      </form>
      <ErrorNotice error={error} />
      {answer && (
        <div aria-live="polite">
          {answer.results.length === 0 ? (
            <p className="muted">No results.</p>
          ) : (
            <ol className="chunks" aria-label="Search results">
              {answer.results.map((r) => (
                <li key={r.citation.chunkId}>
                  <div className="muted">
                    <span className="score">score {r.score.toFixed(3)}</span> · {r.citation.title ?? r.citation.source ?? r.citation.documentId}
                    {r.citation.heading && ` › ${r.citation.heading}`} · chunk {r.citation.position + 1} (chars {r.citation.start}–{r.citation.end})
                    {r.citation.page !== undefined && ` · page ${r.citation.page}`}
                  </div>
                  {r.text}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}

function DocumentRow({ collection, document: d, mayEdit, onDeleted }: { readonly collection: string; readonly document: KnowledgeDocument; readonly mayEdit: boolean; readonly onDeleted: () => void }) {
  const [chunks, setChunks] = useState<Chunk[] | null>(null);
  const [confirm, setConfirm] = useState(false);
  const load = useAction();
  const remove = useAction();

  async function toggle(open: boolean) {
    if (open && chunks === null) await load.run(async () => setChunks(await listChunks(collection, d.id)));
  }
  async function confirmRemove() {
    const ok = await remove.run(() => deleteDocument(collection, d.id));
    setConfirm(false);
    if (ok) onDeleted();
  }

  return (
    <details className="card doc" onToggle={(e) => void toggle(e.currentTarget.open)}>
      <summary>
        <strong>{d.title ?? d.source ?? d.id}</strong> <span className="muted">
          · {d.chunks} chunks · <Time value={d.createdAt} />
        </span>
      </summary>
      <div className="doc__body">
        <p className="muted mono">
          {d.id}
          {d.source && ` · ${d.source}`}
        </p>
        <ErrorNotice error={load.error ?? remove.error} />
        {load.pending && <p className="muted">Loading chunks…</p>}
        {chunks && (
          <ol className="chunks" aria-label={`Chunks of ${d.title ?? d.id}`}>
            {chunks.map((c) => (
              <li key={c.id}>
                <div className="muted">
                  #{c.position + 1}
                  {c.heading && ` · ${c.heading}`} · chars {c.start}–{c.end}
                </div>
                {c.text}
              </li>
            ))}
          </ol>
        )}
        {mayEdit && (
          <button type="button" className="button button--small" onClick={() => setConfirm(true)}>
            Delete document
          </button>
        )}
      </div>
      <ConfirmDialog open={confirm} title="Delete this document?" confirmLabel="Delete document" busy={remove.pending} onConfirm={() => void confirmRemove()} onCancel={() => setConfirm(false)}>
        <p>
          <strong>{d.title ?? d.id}</strong> and its {d.chunks} chunks are removed from {collection}.
        </p>
      </ConfirmDialog>
    </details>
  );
}
