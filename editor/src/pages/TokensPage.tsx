/** API tokens. */
export function TokensPage() {
  return (
    <div className="page">
      <title>API tokens · Weft</title>
      <h1>API tokens</h1>
    </div>
  );
}
