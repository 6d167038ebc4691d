/** Run. */
export function RunPage({ id }: { readonly id: string }) {
  return (
    <div className="page">
      <title>Run · Weft</title>
      <h1>Run <code>{id}</code></h1>
    </div>
  );
}
