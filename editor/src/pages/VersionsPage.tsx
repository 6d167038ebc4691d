/** Versions. */
export function VersionsPage({ id }: { readonly id: string }) {
  return (
    <div className="page">
      <title>Versions · Weft</title>
      <h1>Versions <code>{id}</code></h1>
    </div>
  );
}
