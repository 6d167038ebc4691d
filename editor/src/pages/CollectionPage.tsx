/** Collection. */
export function CollectionPage({ id }: { readonly id: string }) {
  return (
    <div className="page">
      <title>Collection · Weft</title>
      <h1>Collection <code>{id}</code></h1>
    </div>
  );
}
