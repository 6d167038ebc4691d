/** Secrets. */
export function SecretsPage() {
  return (
    <div className="page">
      <title>Secrets · Weft</title>
      <h1>Secrets</h1>
    </div>
  );
}
