import { useId, useState, type FormEvent } from 'react';
import { createCollection, listCollections } from '../api/operators';
import { useResource } from '../api/useResource';
import { Link } from '../Link';
import { ErrorNotice } from '../operators/ErrorNotice';
import { can } from '../operators/nav';
import { DataTable } from '../operators/DataTable';
import { useAction } from '../operators/useAction';
import { navigate, pathFor } from '../router';
import { useRole } from '../store/me-store';
import { Time } from '../Time';
import { Loaded } from './Loaded';

/** Knowledge collections: list with sizes; editors create them. */
export function CollectionsPage() {
  const { resource, reload } = useResource('collections', (signal) => listCollections({ signal }));
  const role = useRole();

  return (
    <div className="page">
      <title>Knowledge · Weft</title>
      <div className="page-head">
        <h1>Knowledge</h1>
      </div>
      {resource.state === 'ready' && !resource.data.vectors && (
        <p className="notice" role="note">
          This database keeps no vectors (no pgvector): searches use full text only.
        </p>
      )}
      {role !== null && can.editKnowledge(role) && <CreateCollection />}
      <section className="section" aria-labelledby="collections-list">
        <h2 id="collections-list">Collections</h2>
        <Loaded resource={resource} what="collections" onRetry={reload} empty="No collections yet." isEmpty={(page) => page.items.length === 0}>
          {(page) => (
            <DataTable columns={['Name', { label: 'Documents', num: true }, { label: 'Chunks', num: true }, 'Embedder', 'Created']}>
              {page.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={pathFor({ name: 'collection', id: c.name })}>{c.name}</Link>
                  </th>
                  <td className="num">{c.documents}</td>
                  <td className="num">{c.chunks}</td>
                  <td className="mono">{c.embedder}</td>
                  <td>
                    <Time value={c.createdAt} />
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </Loaded>
      </section>
    </div>
  );
}

function CreateCollection() {
  const [name, setName] = useState('');
  const { pending, error, run } = useAction();
  const ids = { name: useId(), hint: useId() };
  const valid = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,99}$/.test(name);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ok = await run(() => createCollection(name));
    if (ok) navigate(pathFor({ name: 'collection', id: name }));
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-labelledby="new-collection" noValidate>
      <h2 id="new-collection">New collection</h2>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} aria-describedby={ids.hint} aria-invalid={name !== '' && !valid ? true : undefined} spellCheck={false} />
        <p id={ids.hint} className="hint">
          Letters, digits, _ . - (up to 100), starting with a letter or digit
        </p>
      </div>
      <ErrorNotice error={error} />
      <button type="submit" className="button button--primary" disabled={pending || !valid} aria-busy={pending || undefined}>
        Create collection
      </button>
    </form>
  );
}
